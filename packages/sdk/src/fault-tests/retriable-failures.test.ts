/**
 * Automatic recovery after retriable failures (README "Delivery and recovery"; PROTOCOL.md §5): every
 * retriable gRPC status and the server ending the call with OK lead to a reconnect that replays every
 * unacknowledged request in order, batches intact, under unchanged logical offsets; the retry policy is
 * `1 + recoveryRetries` consecutive failed attempts (a connection that never got an ack through counts as
 * one), with jittered exponential backoff from `recoveryBackoffMs`, each bounded by `recoveryTimeoutMs`, each
 * with fresh headers. Every scenario ends with the delivery invariant checked against what the server stored.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus, grpcStatusName, NON_RETRIABLE_GRPC_CODES } from "../errors.js";
import { StreamState } from "../stream-state.js";
import { within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { MemoryTable, serveDurably } from "../test-support/memory-table.js";
import { ingestTracked, recordId, unackedIds } from "../test-support/numbered-records.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import type { ScriptedCall } from "../test-support/scripted-server.js";

const open = useScriptedStreams();

/** What each request of a call carried, as record ids (one array per request: batches stay visible). */
const requestIds = (call: ScriptedCall): number[][] =>
  call.received.slice(1).map((r) => (r.ingestRecord ? [recordId(r.ingestRecord.jsonRecord!)] : r.ingestRecordBatch!.jsonBatch!.records.map(recordId)));

const RETRIABLE_CODES = Object.values(GrpcStatus).filter((code) => !NON_RETRIABLE_GRPC_CODES.has(code));

describe("recovery after a retriable failure", () => {
  for (const code of RETRIABLE_CODES) {
    const name = code === GrpcStatus.OK ? "the server ending the call with OK" : `${grpcStatusName(code)} (${code})`;
    it(`${name} mid-stream: reconnects, replays in order with batches intact, logical offsets unchanged`, async () => {
      const table = new MemoryTable();
      const tracker = new DeliveryTracker();
      const streamIds: string[] = [];
      const { server, stream } = await open((call, index) =>
        serveDurably(
          call,
          table,
          ({ index: n }) => {
            if (index > 0) return "ack";
            if (n === 0) return "ack";
            if (n === 1) return "hold"; // stored, ack lost with the connection: replayed, so stored twice
            tracker.noteFault(unackedIds(stream));
            return { end: code, details: `injected ${grpcStatusName(code)}` };
          },
          `s${index}`,
        ),
      );
      streamIds.push(stream.streamId);
      const acks = [
        await ingestTracked(stream, tracker, [0]),
        await ingestTracked(stream, tracker, [1, 2, 3]),
        await ingestTracked(stream, tracker, [4]),
        await ingestTracked(stream, tracker, [5, 6]),
      ];
      const offsets = await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks after recovery");
      assert.deepEqual(offsets, [0n, 1n, 2n, 3n], "logical offsets survive the reconnect");
      assert.equal(server.calls.length, 2);
      streamIds.push(stream.streamId);
      assert.deepEqual(streamIds, ["s0", "s1"]);
      // Physical offsets restart at 0; the oldest unacknowledged request goes first; batches stay batches.
      const replay = server.calls[1]!.received.slice(1).map((r) => (r.ingestRecord ?? r.ingestRecordBatch)!.offsetId);
      assert.deepEqual(replay, [0n, 1n, 2n]);
      assert.deepEqual(requestIds(server.calls[1]!), [[1, 2, 3], [4], [5, 6]]);
      assert.equal(stream.getState(), StreamState.OPENED);
      await stream.close();
      const report = tracker.check(table.counts);
      assertDelivered(report);
      assert.equal(report.acked, 7);
      assert.equal(report.duplicates, 3, "only the held batch (in flight at the fault) is stored twice");
    });
  }

  it("is RECOVERING while it reconnects; records ingested meanwhile are sent after the replay", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let releaseCreate!: () => void;
    const createGate = new Promise<void>((resolve) => (releaseCreate = resolve));
    const { server, stream } = await open(async (call, index) => {
      if (index === 1) await createGate; // hold the reconnect's handshake while the test looks at the stream
      return serveDurably(call, table, ({ index: n }) => {
        if (index > 0 || n === 0) return "ack";
        tracker.noteFault(unackedIds(stream));
        return { end: GrpcStatus.UNAVAILABLE };
      });
    });
    const first = await ingestTracked(stream, tracker, [0]);
    await first.waitForAck();
    const lost = await ingestTracked(stream, tracker, [1]);
    await within(server.call(1), 5000, "reconnect attempt");
    assert.equal(stream.getState(), StreamState.RECOVERING);
    const queued = await ingestTracked(stream, tracker, [2, 3]);
    assert.equal(queued.isDone(), false);
    releaseCreate();
    assert.deepEqual(await within(Promise.all([lost.waitForAck(), queued.waitForAck()]), 5000, "acks"), [1n, 2n]);
    assert.deepEqual(requestIds(server.calls[1]!), [[1], [2, 3]]);
    assert.equal(stream.getState(), StreamState.OPENED);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("retries while the budget lasts, with jittered exponential backoff from recoveryBackoffMs, each attempt bounded by recoveryTimeoutMs, with fresh headers", async () => {
    const TIMEOUT_MS = 600;
    const BACKOFF_MS = 50;
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const arrivals: number[] = [];
    const opened = await open(
      async (call, index) => {
        arrivals.push(performance.now());
        if (index === 0) {
          return serveDurably(call, table, () => {
            tracker.noteFault(unackedIds(opened.stream));
            return { end: GrpcStatus.UNAVAILABLE };
          });
        }
        // Attempts 1 and 3 never answer (the attempt times out); attempt 2 is refused; attempt 4 works.
        if (index === 1 || index === 3) return void (await call.done);
        if (index === 2) return call.end(GrpcStatus.UNAVAILABLE, "still starting");
        return serveDurably(call, table);
      },
      // The first connection never got an ack through, so it counts as the first failed attempt.
      { recoveryRetries: 4, recoveryBackoffMs: BACKOFF_MS, recoveryTimeoutMs: TIMEOUT_MS },
    );
    const { server, stream } = opened;
    const ack = await ingestTracked(stream, tracker, [0]);
    assert.equal(await within(ack.waitForAck(), 10_000, "ack after four attempts"), 0n);
    assert.equal(server.calls.length, 5, "the initial connection and four recovery attempts");
    const gap = (i: number) => arrivals[i + 1]! - arrivals[i]!;
    const slack = 25; // timers may fire a little early relative to performance.now()
    // After the n-th consecutive failure the pause is drawn from [0, BACKOFF_MS × 2^(n-1)].
    assert.ok(gap(1) >= TIMEOUT_MS - slack, `attempt 1 timed out, then backoff: ${gap(1)} ms`);
    assert.ok(gap(2) < TIMEOUT_MS - slack, `attempt 2 refused at once (no timeout), then at most ${4 * BACKOFF_MS} ms of backoff: ${gap(2)} ms`);
    assert.ok(gap(3) >= TIMEOUT_MS - slack, `attempt 3 timed out, then backoff: ${gap(3)} ms`);
    // Headers were fetched afresh for every attempt: five distinct tokens reached the server.
    const tokens = server.calls.map((c) => c.metadata.authorization);
    assert.deepEqual(tokens, ["Bearer token-0", "Bearer token-1", "Bearer token-2", "Bearer token-3", "Bearer token-4"]);
    assert.equal(opened.headerRequests, 5);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("a stream that recovers and fails again gets a fresh attempt budget each time", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const opened = await open(
      (call, index) => {
        // Every other call works for one request, then fails; the ones between are refused at once.
        if (index % 2 === 1 && index < 8) return call.end(GrpcStatus.UNAVAILABLE, "refused");
        return serveDurably(call, table, ({ index: n }) => {
          if (index >= 8 || n === 0) return "ack";
          tracker.noteFault(unackedIds(opened.stream));
          return { end: GrpcStatus.ABORTED };
        });
      },
      { recoveryRetries: 1 },
    );
    const { server, stream } = opened;
    for (let id = 0; id < 10; id++) await ingestTracked(stream, tracker, [id]);
    await within(stream.flush(), 10_000, "flush across four recoveries");
    assert.ok(server.calls.length >= 9, `${server.calls.length} calls`);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });
});
