/**
 * Faults in the server's acknowledgments (PROTOCOL.md §4.4, §4.9, §5.1): acks that stop while records are
 * in flight (lack-of-ack timeout), acks that repeat or go stale (no progress: the timer keeps running),
 * acks that skip ahead (coalesced: legal), and protocol violations — an ack beyond what was sent, an ack
 * without an offset, a second create response, an empty response. The violations and the timeout are
 * retriable: the stream reconnects and replays. Every scenario ends with the delivery invariant checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StreamState } from "../stream-state.js";
import { within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { MemoryTable, serveDurably, type RequestFate } from "../test-support/memory-table.js";
import { ingestTracked, unackedIds } from "../test-support/numbered-records.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import type { ScriptedCall } from "../test-support/scripted-server.js";

const open = useScriptedStreams();

describe("lack-of-ack timeout", () => {
  it("no ack progress for serverLackOfAckTimeoutMs while records are in flight: reconnects and replays", async () => {
    const TIMEOUT_MS = 250;
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let lastProgress = 0;
    let reconnectAt = 0;
    const opened = await open(
      (call, index) => {
        if (index > 0) reconnectAt = performance.now();
        return serveDurably(call, table, ({ index: n }) => {
          if (index > 0) return "ack";
          if (n === 0) {
            lastProgress = performance.now();
            return "ack";
          }
          if (n === 1) tracker.noteFault(unackedIds(opened.stream)); // from here on, the server is silent
          return "hold";
        });
      },
      { serverLackOfAckTimeoutMs: TIMEOUT_MS },
    );
    const { stream, server } = opened;
    await (await ingestTracked(stream, tracker, [0])).waitForAck();
    const held = [await ingestTracked(stream, tracker, [1]), await ingestTracked(stream, tracker, [2, 3])];
    assert.deepEqual(await within(Promise.all(held.map((a) => a.waitForAck())), 5000, "acks after the timeout"), [1n, 2n]);
    assert.equal(server.calls.length, 2);
    assert.ok(reconnectAt - lastProgress >= TIMEOUT_MS - 25, `reconnected ${reconnectAt - lastProgress} ms after the last progress`);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("a repeated or stale ack does not reset the timer", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const opened = await open(
      (call, index) => {
        if (index > 0) return serveDurably(call, table);
        return serveDurably(call, table, async ({ index: n }) => {
          if (n === 0) return "ack";
          tracker.noteFault(unackedIds(opened.stream));
          // Keep re-sending the old ack (and an older one) far more often than the timeout: no progress.
          const timer = setInterval(() => (call.ack(0), call.ack(-1)), 20);
          await call.done;
          clearInterval(timer);
          return "hold";
        });
      },
      { serverLackOfAckTimeoutMs: 200 },
    );
    const { stream, server } = opened;
    await (await ingestTracked(stream, tracker, [0])).waitForAck();
    const held = await ingestTracked(stream, tracker, [1]);
    // If stale acks reset the timer the stream would never reconnect and this would time out.
    assert.equal(await within(held.waitForAck(), 5000, "ack after the timeout"), 1n);
    assert.equal(server.calls.length, 2);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("slow but steady acks keep the stream: each ack is progress", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const { stream, server } = await open(
      (call) =>
        serveDurably(call, table, async (): Promise<RequestFate> => {
          await new Promise((resolve) => setTimeout(resolve, 60)); // a slow server: each ack 60 ms apart
          return "ack";
        }),
      { serverLackOfAckTimeoutMs: 500 },
    );
    for (let id = 0; id < 12; id++) await ingestTracked(stream, tracker, [id]);
    await within(stream.flush(), 5000, "flush"); // 12 × 60 ms in all: longer than the timeout
    assert.equal(server.calls.length, 1, "no reconnect");
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  it("an idle stream never times out", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const { stream, server } = await open((call) => serveDurably(call, table), { serverLackOfAckTimeoutMs: 40 });
    await (await ingestTracked(stream, tracker, [0])).waitForAck();
    // Nothing in flight: wait several timeouts (a bounded wait for something that must NOT happen).
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(server.calls.length, 1);
    assert.equal(stream.getState(), StreamState.OPENED);
    await (await ingestTracked(stream, tracker, [1])).waitForAck();
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });
});

describe("ack patterns and protocol violations", () => {
  it("skipped acks (one cumulative ack covering several requests) settle every record", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const { stream, server } = await open((call) =>
      serveDurably(call, table, ({ index }) => (index % 3 === 2 ? "ack" : "hold")),
    );
    const acks = [];
    for (let id = 0; id < 9; id++) acks.push(await ingestTracked(stream, tracker, [id]));
    assert.deepEqual(await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks"), [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    assert.equal(server.calls.length, 1);
    await stream.close();
    assertDelivered(tracker.check(table.counts));
  });

  const violations: Array<[string, (call: ScriptedCall) => void]> = [
    ["an ack beyond what was sent", (call) => call.ack(7)],
    ["an ack without an offset", (call) => call.send({ ingestRecordResponse: {} })],
    ["a second create-stream response", (call) => call.sendCreateResponse("again")],
    ["a response with no payload", (call) => call.send({})],
  ];
  for (const [name, violate] of violations) {
    it(`${name} is a protocol violation: the stream reconnects and replays`, async () => {
      const table = new MemoryTable();
      const tracker = new DeliveryTracker();
      const opened = await open((call, index) =>
        serveDurably(call, table, async ({ index: n }) => {
          if (index > 0 || n === 0) return "ack";
          tracker.noteFault(unackedIds(opened.stream));
          violate(call);
          await call.done; // the client must hang up on us (the test's deadline catches it if not)
          return { end: 1 };
        }),
      );
      const { stream, server } = opened;
      const acks = [await ingestTracked(stream, tracker, [0]), await ingestTracked(stream, tracker, [1, 2])];
      assert.deepEqual(await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks after the violation"), [0n, 1n]);
      assert.equal(server.calls.length, 2);
      assert.ok(server.calls[0]!.finished, "the client cancelled the offending call");
      await stream.close();
      assertDelivered(tracker.check(table.counts));
    });
  }
});
