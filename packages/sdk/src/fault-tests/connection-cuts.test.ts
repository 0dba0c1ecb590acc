/**
 * Connections cut below gRPC (a TCP proxy between the SDK and the local service): mid-request, so the
 * send fails; mid-response, so acks are lost in transit; after a delay; at seeded random byte points; and
 * a server that is unreachable for a while. The stream must reconnect and replay each time, and the
 * delivery invariant is checked against the rows of the real Delta table.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StreamState } from "../stream-state.js";
import type { ZerobusStream } from "../stream.js";
import { until, within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { startFaultProxy, type FaultProxy } from "../test-support/fault-proxy.js";
import { startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { ingestTracked } from "../test-support/numbered-records.js";
import { createSeededRandom } from "../test-support/seeded-random.js";

const OPTIONS = { recoveryBackoffMs: 20, recoveryTimeoutMs: 2000, recoveryRetries: 5, flushTimeoutMs: 10_000 };
const PAD = 120; // ~150-byte requests: a cut lands inside one more often than between two

let local: LocalZerobus;
let nextId = 0;
const teardown: Array<() => Promise<void>> = [];
before(async () => {
  local = await startLocalZerobus();
});
after(async () => {
  await Promise.all(teardown.map((t) => t()));
  await local.close();
});

/** A stream to the local service through a fresh fault proxy, with its records followed by `tracker`. */
async function openThroughProxy(tracker: DeliveryTracker, options: object = {}): Promise<{ proxy: FaultProxy; stream: ZerobusStream }> {
  const port = Number(new URL(local.service.serverEndpoint).port);
  const proxy = await startFaultProxy(port);
  const { sdk, stream } = await local.openStream(tracker, { ...OPTIONS, ...options }, proxy.endpoint);
  teardown.push(async () => {
    await stream.close().catch(() => {});
    sdk.close();
    await proxy.close();
  });
  return { proxy, stream };
}

/** Ingests `calls` calls of fresh ids (every third a batch of three), followed by `tracker`. */
async function ingestSome(stream: ZerobusStream, tracker: DeliveryTracker, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const size = i % 3 === 2 ? 3 : 1;
    const ids = Array.from({ length: size }, () => nextId++);
    await ingestTracked(stream, tracker, ids, PAD);
  }
}

/** Ingests a first record and waits for its ack: the connection is up and past its handshake. */
async function warmUp(stream: ZerobusStream, tracker: DeliveryTracker): Promise<void> {
  await within((await ingestTracked(stream, tracker, [nextId++], PAD)).waitForAck(), 5000, "first ack");
}

/** Closes the stream and checks the invariant over the ids from `firstId` on (the tests share one table). */
async function finish(stream: ZerobusStream, tracker: DeliveryTracker, firstId: number): Promise<void> {
  await within(stream.close(), 15_000, "close");
  assert.equal(stream.getState(), StreamState.CLOSED);
  const counts = new Map([...(await local.rowCounts())].filter(([id]) => id >= firstId && id < nextId));
  assertDelivered(tracker.check(counts));
}

describe("connections cut under the stream (TCP proxy, local service, Delta read-back)", () => {
  it("a cut in the middle of a request (client to server): the send fails, the stream reconnects and replays", async () => {
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    const { proxy, stream } = await openThroughProxy(tracker);
    await warmUp(stream, tracker);
    proxy.cutAfterBytes("upstream", 400);
    await ingestSome(stream, tracker, 30);
    await within(stream.flush(), 10_000, "flush after the cut");
    assert.equal(proxy.stats.cuts, 1);
    assert.ok(proxy.stats.connections >= 2, "reconnected through the proxy");
    await finish(stream, tracker, firstId);
  });

  it("a cut in the middle of a response (server to client): acks lost in transit, records resent", async () => {
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    const { proxy, stream } = await openThroughProxy(tracker);
    await warmUp(stream, tracker);
    proxy.cutAfterBytes("downstream", 30);
    await ingestSome(stream, tracker, 30);
    await within(stream.flush(), 10_000, "flush after the cut");
    assert.equal(proxy.stats.cuts, 1);
    await finish(stream, tracker, firstId);
  });

  it("a cut after a delay while records flow", async () => {
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    const { proxy, stream } = await openThroughProxy(tracker);
    await warmUp(stream, tracker);
    proxy.cutAfterMs(30);
    // Keep records flowing (bounded) until the timer has cut the connection, then a little longer.
    for (let round = 0; proxy.stats.cuts === 0; round++) {
      assert.ok(round < 10_000, "the timed cut never happened");
      await ingestSome(stream, tracker, 10);
      await within(stream.flush(), 10_000, "flush");
    }
    await ingestSome(stream, tracker, 10);
    await finish(stream, tracker, firstId);
  });

  it("twelve cuts at seeded random byte points, both directions, on one stream", async () => {
    const random = createSeededRandom(20240607);
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    const { proxy, stream } = await openThroughProxy(tracker, { recoveryRetries: 8 });
    await warmUp(stream, tracker);
    for (let cut = 0; cut < 12; cut++) {
      // Acks are a few dozen bytes each, requests ~150: the ranges make both kinds of cut fire within a few rounds.
      const direction = random.pick(["upstream", "downstream"] as const);
      proxy.cutAfterBytes(direction, random.int(0, direction === "upstream" ? 4000 : 500));
      // Keep records flowing (bounded) until this cut has fired; each flush lets the bytes go out.
      for (let round = 0; proxy.byteCutArmed; round++) {
        assert.ok(round < 1000, `cut ${cut} never fired (seed ${random.seed})`);
        await ingestSome(stream, tracker, 10);
        await within(stream.flush(), 10_000, `flush during cut ${cut} (seed ${random.seed})`);
      }
    }
    await within(stream.flush(), 15_000, "flush after the cuts");
    assert.equal(proxy.stats.cuts, 12);
    await finish(stream, tracker, firstId);
  });

  it("a server unreachable for a while: attempts fail until it is back, then the stream recovers", async () => {
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    // Enough attempts to outlast the outage; grpc-js also backs off between TCP connection attempts.
    const { proxy, stream } = await openThroughProxy(tracker, { recoveryRetries: 30, recoveryBackoffMs: 100 });
    await warmUp(stream, tracker);
    proxy.refuse(true);
    proxy.cutAll("server down");
    await ingestSome(stream, tracker, 20);
    await until(() => proxy.stats.refused >= 2, 15_000, "two refused connection attempts");
    assert.equal(stream.getState(), StreamState.RECOVERING);
    proxy.refuse(false);
    await within(stream.flush(), 15_000, "flush after the outage");
    await finish(stream, tracker, firstId);
  });

  it("one refused TCP connection: the next recovery attempt connects (attempts are not wasted on gRPC's own backoff)", async () => {
    const tracker = new DeliveryTracker();
    const firstId = nextId;
    const { proxy, stream } = await openThroughProxy(tracker, { recoveryRetries: 5, recoveryBackoffMs: 50 });
    await warmUp(stream, tracker);
    proxy.refuse(true);
    proxy.cutAll("server restarting");
    await ingestSome(stream, tracker, 5);
    await until(() => proxy.stats.refused >= 1, 5000, "a refused connection attempt");
    proxy.refuse(false); // back after one refusal: one of the 5 remaining attempts (50 ms apart) must get through
    await within(stream.flush(), 10_000, "flush after the restart");
    await finish(stream, tracker, firstId);
  });
});
