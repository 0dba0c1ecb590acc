/**
 * Failures that end the stream (README "Delivery and recovery", PROTOCOL.md §5.4): a non-retriable status,
 * exhausted recovery attempts, any failure with `recovery: false`, and a `close()` whose flush timed out.
 * Each moves the stream to FAILED, rejects every pending ack with the error, keeps the unacknowledged
 * records for `getUnackedRecords` / `getUnackedBatches` (also after `close()`), and `recreateStream`
 * re-ingests them in order. Every scenario ends with the delivery invariant checked.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RecordAcknowledgment } from "../acknowledgment.js";
import { GrpcStatus, grpcStatusName, NON_RETRIABLE_GRPC_CODES, NonRetriableException, ZerobusException } from "../errors.js";
import { StreamState } from "../stream-state.js";
import type { ZerobusStream } from "../stream.js";
import type { ZerobusSdk } from "../sdk.js";
import { within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { MemoryTable, serveDurably } from "../test-support/memory-table.js";
import { ingestTracked, recordId, unackedIds } from "../test-support/numbered-records.js";
import { useScriptedStreams, type ScriptedStream } from "../test-support/scripted-stream.js";


const open = useScriptedStreams();
const teardown: Array<() => Promise<void>> = [];
after(() => Promise.all(teardown.map((t) => t())));

/** Ingests ids 0..4 as [0], [1, 2], [3], [4]: the first is acked by the scripts below, the rest are not. */
async function ingestFive(stream: ZerobusStream, tracker: DeliveryTracker): Promise<RecordAcknowledgment[]> {
  return [
    await ingestTracked(stream, tracker, [0]),
    await ingestTracked(stream, tracker, [1, 2]),
    await ingestTracked(stream, tracker, [3]),
    await ingestTracked(stream, tracker, [4]),
  ];
}

/**
 * The checks every failure shares: FAILED; acks after the first rejected with `expected` itself; the
 * unacknowledged records returned in order, grouped as ingested, also after `close()`; new ingests and
 * flushes refused; then `recreateStream` delivers them, in order, on a new stream.
 */
async function assertFailedThenRecreate(
  opened: ScriptedStream,
  acks: RecordAcknowledgment[],
  tracker: DeliveryTracker,
  table: MemoryTable,
  expected: (err: unknown) => boolean,
): Promise<ZerobusStream> {
  const { stream, sdk } = opened;
  assert.equal(await acks[0]!.waitForAck(), 0n);
  const errors = await Promise.all(acks.slice(1).map((a) => within(a.waitForAck().then(() => undefined, (e: unknown) => e), 10_000, "rejection")));
  assert.ok(errors.every((e) => e === errors[0]), "every pending ack rejects with the same error");
  assert.ok(expected(errors[0]), `unexpected error: ${String(errors[0])}`);
  assert.equal(stream.getState(), StreamState.FAILED);
  assert.deepEqual(stream.getUnackedBatches().map((b) => b.map(recordId)), [[1, 2], [3], [4]]);
  await assert.rejects(stream.ingestRecord({ id: 99 }), NonRetriableException);
  await assert.rejects(stream.flush(), (e: unknown) => e === errors[0]);
  await stream.close(); // a failed stream closes quietly and keeps its records
  assert.deepEqual(stream.getUnackedRecords().map(recordId), [1, 2, 3, 4]);
  tracker.returnedUnacked(stream.getUnackedRecords().map(recordId));
  return recreateAndDeliver(sdk, stream, tracker, table);
}

/** `recreateStream`, then a flush: the re-ingested records are acknowledged on the new stream. */
async function recreateAndDeliver(sdk: ZerobusSdk, stream: ZerobusStream, tracker: DeliveryTracker, table: MemoryTable): Promise<ZerobusStream> {
  const ids = stream.getUnackedRecords().map(recordId);
  tracker.handOver(ids);
  const fresh = await sdk.recreateStream(stream);
  teardown.push(() => fresh.close().catch(() => {}));
  await within(fresh.flush(), 5000, "flush of the recreated stream");
  tracker.acked(ids);
  await fresh.close();
  assertDelivered(tracker.check(table.counts));
  return fresh;
}

describe("a non-retriable status fails the stream", () => {
  for (const code of NON_RETRIABLE_GRPC_CODES) {
    it(`${grpcStatusName(code)} (${code}) mid-stream: FAILED at once, acks reject, records kept, recreateStream re-ingests them`, async () => {
      const table = new MemoryTable();
      const tracker = new DeliveryTracker();
      let failed = false;
      const offsetErrors: Array<[bigint, string]> = [];
      const opened = await open(
        (call) =>
          serveDurably(call, table, ({ index }) => {
            if (failed || index === 0) return "ack";
            if (index < 3) return "hold";
            failed = true;
            tracker.noteFault(unackedIds(opened.stream));
            return { end: code, details: `injected ${grpcStatusName(code)}` };
          }),
        { ackCallback: { onError: (offset: bigint, message: string) => offsetErrors.push([offset, message]) } },
      );
      const acks = await ingestFive(opened.stream, tracker);
      const fresh = await assertFailedThenRecreate(opened, acks, tracker, table, (e) =>
        e instanceof NonRetriableException && e.grpcCode === code && e.message.includes(`injected ${grpcStatusName(code)}`),
      );
      assert.equal(opened.server.calls.length, 2, "no reconnect attempt before recreateStream");
      assert.deepEqual(offsetErrors.map(([o]) => o), [1n, 2n, 3n], "ackCallback.onError once per failed call");
      assert.equal(fresh.getState(), StreamState.CLOSED);
    });
  }

  it("a non-retriable status on a reconnect attempt ends recovery without using the remaining retries", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const opened = await open(
      (call, index) => {
        if (index === 1) return call.end(GrpcStatus.UNAUTHENTICATED, "token revoked");
        return serveDurably(call, table, ({ index: n }) => {
          if (index > 1 || n === 0) return "ack";
          if (n < 3) return "hold";
          tracker.noteFault(unackedIds(opened.stream));
          return { end: GrpcStatus.UNAVAILABLE };
        });
      },
      { recoveryRetries: 5 },
    );
    const acks = await ingestFive(opened.stream, tracker);
    await assertFailedThenRecreate(opened, acks, tracker, table, (e) => e instanceof NonRetriableException && e.grpcCode === GrpcStatus.UNAUTHENTICATED);
    assert.equal(opened.server.calls.length, 3, "first call, one refused reconnect, then the recreated stream");
  });
});

describe("exhausted retries and recovery off", () => {
  it("exhausted recovery attempts: FAILED, acks reject with the error chaining the last attempt's error", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let recreated = false;
    const opened = await open(
      (call, index) => {
        if (index > 0 && !recreated) return call.end(GrpcStatus.UNAVAILABLE, `attempt ${index} refused`);
        return serveDurably(call, table, ({ index: n }) => {
          if (recreated || n === 0) return "ack";
          if (n < 3) return "hold";
          tracker.noteFault(unackedIds(opened.stream));
          return { end: GrpcStatus.INTERNAL };
        });
      },
      { recoveryRetries: 2 },
    );
    const acks = await ingestFive(opened.stream, tracker);
    await within(acks[1]!.waitForAck().catch(() => {}), 5000, "failure");
    recreated = true;
    await assertFailedThenRecreate(opened, acks, tracker, table, (e) =>
      e instanceof ZerobusException &&
      e.retriable &&
      /gave up after 3 attempts/.test(e.message) &&
      e.cause instanceof ZerobusException &&
      /attempt 3 refused/.test(e.cause.message),
    );
    assert.equal(opened.server.calls.length, 5, "first call, three attempts, then the recreated stream");
  });

  for (const [name, fault] of [
    ["a retriable status", "status"],
    ["a lack-of-ack timeout", "silence"],
    ["a CloseStreamSignal followed by the server's close", "close-signal"],
  ] as const) {
    it(`recovery: false — ${name} fails the stream at once`, async () => {
      const table = new MemoryTable();
      const tracker = new DeliveryTracker();
      let first = true;
      const opened = await open(
        async (call) => {
          if (!first) return serveDurably(call, table);
          first = false;
          await serveDurably(call, table, async ({ index }) => {
            if (index === 0) return "ack";
            if (index < 3) return "hold";
            tracker.noteFault(unackedIds(opened.stream));
            if (fault === "status") return { end: GrpcStatus.UNAVAILABLE };
            if (fault === "close-signal") {
              call.closeSignal(50);
              await new Promise((resolve) => setTimeout(resolve, 100)); // the announced 50 ms, then the close
              return { end: GrpcStatus.UNAVAILABLE, details: "Stream timeout reached. Error Code: 6002, Error State: 0." };
            }
            await call.done; // silence: no ack, no status, until the client gives up and cancels
            return { end: GrpcStatus.CANCELLED };
          });
        },
        { recovery: false, serverLackOfAckTimeoutMs: 200 },
      );
      const acks = await ingestFive(opened.stream, tracker);
      await assertFailedThenRecreate(opened, acks, tracker, table, (e) => e instanceof ZerobusException && e.retriable);
      assert.equal(opened.server.calls.length, 2, "no reconnect; the second call is the recreated stream");
    });
  }
});

describe("close() after a failed flush", () => {
  it("a close whose flush times out fails the stream and still returns the records; recreateStream delivers them", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    let stalled = true;
    const opened = await open(
      (call) =>
        serveDurably(call, table, ({ index }) => (index === 0 || !stalled ? "ack" : "hold")),
      { flushTimeoutMs: 300 },
    );
    const { stream, sdk } = opened;
    const acks = await ingestFive(stream, tracker);
    await acks[0]!.waitForAck();
    await assert.rejects(stream.close(), (e: unknown) => e instanceof ZerobusException && /timed out after 300 ms/.test(e.message));
    tracker.noteFault(unackedIds(stream));
    assert.equal(stream.getState(), StreamState.FAILED);
    const errors = await Promise.all(acks.slice(1).map((a) => a.waitForAck().catch((e: unknown) => e)));
    assert.ok(errors.every((e) => e instanceof ZerobusException && /timed out/.test(e.message)));
    assert.deepEqual(stream.getUnackedBatches().map((b) => b.map(recordId)), [[1, 2], [3], [4]]);
    await stream.close(); // idempotent after the failure
    tracker.returnedUnacked(stream.getUnackedRecords().map(recordId));
    stalled = false;
    await recreateAndDeliver(sdk, stream, tracker, table);
  });

  it("a clean close leaves nothing unacknowledged", async () => {
    const table = new MemoryTable();
    const tracker = new DeliveryTracker();
    const { stream } = await open((call) => serveDurably(call, table));
    await ingestFive(stream, tracker);
    await stream.close();
    assert.equal(stream.getState(), StreamState.CLOSED);
    assert.deepEqual(stream.getUnackedRecords(), []);
    assertDelivered(tracker.check(table.counts));
  });
});
