/**
 * `close()` called while the stream is RECOVERING: its flush waits for the reconnect and the replay, and
 * the stream closes cleanly; if recovery fails instead, `close()` rejects with the recovery error and the
 * records stay available from `getUnacked*`. The delivery invariant is checked in both cases.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus, ZerobusException } from "../errors.js";
import { StreamState } from "../stream-state.js";
import { within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { MemoryTable, serveDurably } from "../test-support/memory-table.js";
import { ingestTracked, recordId, unackedIds } from "../test-support/numbered-records.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";

const open = useScriptedStreams();

describe("close() while RECOVERING", () => {
  it("waits for the reconnect, flushes the replayed records, then closes", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let releaseCreate!: () => void;
    const gate = new Promise<void>((resolve) => (releaseCreate = resolve));
    const opened = await open(async (call, index) => {
      if (index === 1) await gate;
      return serveDurably(call, table, ({ index: n }) => {
        if (index > 0 || n === 0) return "ack";
        tracker.noteFault(unackedIds(opened.stream));
        return { end: GrpcStatus.UNAVAILABLE };
      });
    });
    const { stream, server } = opened;
    const acks = [await ingestTracked(stream, tracker, [0]), await ingestTracked(stream, tracker, [1, 2]), await ingestTracked(stream, tracker, [3])];
    await within(server.call(1), 5000, "reconnect attempt");
    assert.equal(stream.getState(), StreamState.RECOVERING);
    const closing = stream.close();
    await assert.rejects(stream.ingestRecord({ id: 99 }), /closed/, "no new records once close() began");
    releaseCreate();
    await within(closing, 5000, "close after recovery");
    assert.equal(stream.getState(), StreamState.CLOSED);
    assert.deepEqual(await Promise.all(acks.map((a) => a.waitForAck())), [0n, 1n, 2n]);
    assert.deepEqual(stream.getUnackedRecords(), []);
    assertDelivered(tracker.check(table.counts));
  });

  it("when recovery fails, close() rejects with the recovery error and the records are returned", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let releaseRefusals!: () => void;
    const gate = new Promise<void>((resolve) => (releaseRefusals = resolve));
    const opened = await open(
      async (call, index) => {
        if (index > 0) {
          await gate;
          return call.end(GrpcStatus.UNAVAILABLE, `attempt ${index} refused`);
        }
        return serveDurably(call, table, ({ index: n }) => {
          if (n === 0) return "ack";
          tracker.noteFault(unackedIds(opened.stream));
          return { end: GrpcStatus.UNAVAILABLE };
        });
      },
      { recoveryRetries: 1 },
    );
    const { stream, server } = opened;
    const acks = [await ingestTracked(stream, tracker, [0]), await ingestTracked(stream, tracker, [1, 2])];
    await within(server.call(1), 5000, "reconnect attempt");
    const closing = stream.close();
    releaseRefusals();
    await assert.rejects(within(closing, 5000, "close"), (e: unknown) => e instanceof ZerobusException && /gave up after 2 attempts/.test(e.message));
    assert.equal(stream.getState(), StreamState.FAILED);
    assert.equal(await acks[0]!.waitForAck(), 0n);
    await assert.rejects(acks[1]!.waitForAck(), /gave up after 2 attempts/);
    assert.deepEqual(stream.getUnackedBatches().map((b) => b.map(recordId)), [[1, 2]]);
    tracker.returnedUnacked(stream.getUnackedRecords().map(recordId));
    assertDelivered(tracker.check(table.counts));
  });
});
