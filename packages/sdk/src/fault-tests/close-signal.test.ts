/**
 * `CloseStreamSignal` (PROTOCOL.md §4.8): the stream stops sending, keeps taking acks, waits up to
 * min(announced duration, `streamPausedMaxWaitTimeMs`) — or less, once everything sent is acknowledged —
 * then moves to a new connection and sends what is left, and no error reaches the caller. The scripted
 * server pins down the timing; the local service shows the real rotation (a signal, then UNAVAILABLE with
 * "Error Code: 6002") end to end, with every record read back from the Delta table.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { GrpcStatus } from "../errors.js";
import { StreamState } from "../stream-state.js";
import type { ZerobusStream } from "../stream.js";
import { until, within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { startLocalZerobus } from "../test-support/local-zerobus.js";
import { MemoryTable, serveDurably } from "../test-support/memory-table.js";
import { ingestTracked, recordId, unackedIds } from "../test-support/numbered-records.js";
import { useScriptedStreams, type ScriptedStream } from "../test-support/scripted-stream.js";
import type { ScriptedCall } from "../test-support/scripted-server.js";

const SLACK_MS = 25; // timers may fire slightly early relative to performance.now()

const open = useScriptedStreams();
const teardown: Array<() => Promise<void>> = [];
after(() => Promise.all(teardown.map((t) => t())));

/**
 * The first call acks request 0, holds request 1, and on request 2 announces a close of `durationMs`, then
 * acks request 1 — so the client sees an ack during its pause while request 2 stays unacknowledged.
 * Later calls ack everything. `at` records when the signal went out and when the client reconnected.
 */
function pauseScript(table: MemoryTable, tracker: DeliveryTracker, get: () => ZerobusStream, durationMs: number, at: { signal: number; reconnect: number }) {
  return async (call: ScriptedCall, index: number): Promise<void> => {
    if (index > 0) {
      at.reconnect = performance.now();
      return serveDurably(call, table);
    }
    await serveDurably(call, table, ({ index: n }) => {
      if (n === 0) return "ack";
      if (n === 1) return "hold";
      tracker.noteFault(unackedIds(get()));
      at.signal = performance.now();
      call.closeSignal(durationMs);
      setImmediate(() => call.ack(1)); // acks keep flowing during the pause (request 2 stays unacked)
      return "hold";
    });
  };
}

describe("CloseStreamSignal pause (scripted server)", () => {
  it("stops sending, keeps taking acks, reconnects after streamPausedMaxWaitTimeMs (< duration) and sends the rest", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const at = { signal: 0, reconnect: 0 };
    const opened: ScriptedStream = await open(pauseScript(table, tracker, () => opened.stream, 5000, at), { streamPausedMaxWaitTimeMs: 200 });
    const { stream, server } = opened;
    const acks = [await ingestTracked(stream, tracker, [0]), await ingestTracked(stream, tracker, [1]), await ingestTracked(stream, tracker, [2])];
    assert.equal(await within(acks[1]!.waitForAck(), 5000, "ack during the pause"), 1n);
    assert.equal(stream.getState(), StreamState.OPENED, "the pause is internal");
    acks.push(await ingestTracked(stream, tracker, [3, 4])); // ingested during the pause: queued, not sent
    assert.deepEqual(await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks"), [0n, 1n, 2n, 3n]);
    const waited = at.reconnect - at.signal;
    assert.ok(waited >= 200 - SLACK_MS && waited < 4000, `reconnected ${waited} ms after the signal`);
    assert.equal(server.calls[0]!.received.length, 4, "create + 3 requests: nothing sent after the signal");
    const resent = server.calls[1]!.received.slice(1).map((r) => (r.ingestRecord ? [recordId(r.ingestRecord.jsonRecord!)] : r.ingestRecordBatch!.jsonBatch!.records.map(recordId)));
    assert.deepEqual(resent, [[2], [3, 4]], "the unacknowledged request, then the queued batch");
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("without streamPausedMaxWaitTimeMs, waits for the server's announced duration", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const at = { signal: 0, reconnect: 0 };
    const opened: ScriptedStream = await open(pauseScript(table, tracker, () => opened.stream, 300, at));
    for (let id = 0; id < 3; id++) await ingestTracked(opened.stream, tracker, [id]);
    await within(opened.stream.flush(), 5000, "flush across the rotation");
    assert.ok(at.reconnect - at.signal >= 300 - SLACK_MS, `reconnected ${at.reconnect - at.signal} ms after the signal`);
    await opened.stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("the lack-of-ack timer is suspended during the pause", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const at = { signal: 0, reconnect: 0 };
    const opened: ScriptedStream = await open(pauseScript(table, tracker, () => opened.stream, 400, at), { serverLackOfAckTimeoutMs: 80 });
    for (let id = 0; id < 3; id++) await ingestTracked(opened.stream, tracker, [id]);
    await within(opened.stream.flush(), 5000, "flush across the rotation");
    assert.ok(at.reconnect - at.signal >= 400 - SLACK_MS, `reconnected after ${at.reconnect - at.signal} ms, not at the 80 ms ack timeout`);
    await opened.stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("leaves the pause as soon as everything sent is acknowledged", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let signalAt = 0;
    const opened = await open((call, index) =>
      serveDurably(call, table, ({ index: n }) => {
        if (index === 0 && n === 1) {
          signalAt = performance.now();
          call.closeSignal(60_000);
          setImmediate(() => call.ack(1)); // the last one: nothing left in flight
        }
        return index === 0 && n === 1 ? "hold" : "ack";
      }),
    );
    const { stream, server } = opened;
    await ingestTracked(stream, tracker, [0]);
    await (await ingestTracked(stream, tracker, [1])).waitForAck();
    await within(server.call(1), 5000, "the new connection");
    assert.ok(performance.now() - signalAt < 30_000, "did not wait out the announced minute");
    await (await ingestTracked(stream, tracker, [2])).waitForAck();
    assert.equal(server.calls[1]!.received.length, 2, "create + the new record only: nothing to replay");
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("streamPausedMaxWaitTimeMs: 0 reconnects at once", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const at = { signal: 0, reconnect: 0 };
    const opened: ScriptedStream = await open(pauseScript(table, tracker, () => opened.stream, 60_000, at), { streamPausedMaxWaitTimeMs: 0 });
    for (let id = 0; id < 3; id++) await ingestTracked(opened.stream, tracker, [id]);
    await within(opened.stream.flush(), 5000, "flush across the rotation");
    assert.ok(at.reconnect - at.signal < 30_000);
    await opened.stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("the server ending the call during the pause (UNAVAILABLE, Error Code 6002) is a rotation: no error reaches the caller", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const errors: string[] = [];
    const opened = await open(
      (call, index) =>
        serveDurably(call, table, ({ index: n }) => {
          if (index > 0 || n === 0) return "ack";
          tracker.noteFault(unackedIds(opened.stream));
          call.closeSignal(5000);
          return { end: GrpcStatus.UNAVAILABLE, details: "Stream timeout reached. Closing the stream (ID: s0). Error Code: 6002, Error State: 0." };
        }),
      { ackCallback: { onError: (_o: bigint, message: string) => errors.push(message) } },
    );
    const acks = [await ingestTracked(opened.stream, tracker, [0]), await ingestTracked(opened.stream, tracker, [1, 2])];
    assert.deepEqual(await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks"), [0n, 1n]);
    assert.deepEqual(errors, []);
    assert.equal(opened.stream.getState(), StreamState.OPENED);
    await opened.stream.close();
    assertDelivered(tracker.check(table.counts));
  });
});

describe("CloseStreamSignal from the local service (real Delta table)", () => {
  it("sendCloseSignalNow: three rotations mid-ingest, no error reaches the caller, every record lands once or is explained", async () => {
    const local = await startLocalZerobus();
    teardown.push(() => local.close());
    const tracker = new DeliveryTracker();
    const errors: string[] = [];
    const { sdk, stream } = await local.openStream(tracker, { ackCallback: { onError: (_o: bigint, m: string) => errors.push(m) } });
    teardown.push(async () => sdk.close());
    let id = 0;
    const streamIds = new Set([stream.streamId]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++, id += 3) await ingestTracked(stream, tracker, i % 2 ? [id, id + 1, id + 2] : [id]);
      const before = stream.streamId;
      local.service.faults.sendCloseSignalNow(40);
      await until(() => stream.streamId !== before, 5000, `rotation ${round + 1}`);
      streamIds.add(stream.streamId);
    }
    await stream.close();
    assert.equal(streamIds.size, 4);
    assert.deepEqual(errors, []);
    assertDelivered(tracker.check(await local.rowCounts()));
  });

  it("streamLifetimeMs: the service rotates streams on its own while records flow", async () => {
    const local = await startLocalZerobus({ streamLifetimeMs: 150, closeSignalDurationMs: 30 });
    teardown.push(() => local.close());
    const tracker = new DeliveryTracker();
    const { sdk, stream } = await local.openStream(tracker);
    teardown.push(async () => sdk.close());
    const streamIds = new Set([stream.streamId]);
    // Keep records flowing (bounded) until the service has rotated the stream three times.
    for (let id = 0; streamIds.size < 4; id++) {
      assert.ok(id < 200_000, "no rotation seen");
      const ack = await ingestTracked(stream, tracker, [id]);
      if (id % 50 === 49) await within(ack.waitForAck(), 5000, "ack");
      streamIds.add(stream.streamId);
    }
    await stream.close();
    assert.equal(stream.getState(), StreamState.CLOSED);
    assertDelivered(tracker.check(await local.rowCounts()));
  });
});
