/**
 * Faults in authentication (PROTOCOL.md §3.3, README "OAuth"): the token endpoint failing (HTTP 503, a
 * dropped connection) and recovering, failing for longer than the retries, answering 401; and tokens
 * expiring. With the token cache off, the SDK fetches a fresh token for every connection attempt, so an
 * outage of the token endpoint is retried like any retriable failure; with it on (the expiry test), a token
 * that expired while the stream was open is replaced on the reconnect. Server: the local service (real token checks, real Delta table) behind a token-endpoint
 * front that injects the failures.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OAuthHeadersProvider } from "../auth/oauth-headers-provider.js";
import { GrpcStatus, NonRetriableException, ZerobusException } from "../errors.js";
import { RecordType } from "../record-type.js";
import { ZerobusSdk, type ZerobusSdkOptions } from "../sdk.js";
import { StreamState } from "../stream-state.js";
import type { ZerobusStream } from "../stream.js";
import { TableProperties } from "../table-properties.js";
import { within } from "../test-support/fixtures.js";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { FAULT_TABLE, startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { ingestTracked, recordId, unackedIds } from "../test-support/numbered-records.js";
import { startTokenEndpointFaults, type TokenEndpointFaults } from "../test-support/token-endpoint-faults.js";

const OPTIONS = { recordType: RecordType.JSON, recoveryBackoffMs: 20, recoveryTimeoutMs: 3000, recoveryRetries: 3, flushTimeoutMs: 10_000 };

let local: LocalZerobus;
let front: TokenEndpointFaults;
let nextId = 0;
const teardown: Array<() => Promise<void>> = [];
before(async () => {
  local = await startLocalZerobus();
  front = await startTokenEndpointFaults(local.service.workspaceUrl);
});
after(async () => {
  await Promise.all(teardown.map((t) => t()));
  await front.close();
  await local.close();
});

/**
 * An OAuth stream (client id and secret) whose tokens come through `tokens`' front. The token cache is off
 * unless asked for: these tests are about token requests made on reconnects (token-cache.test.ts covers the
 * cache).
 */
async function openOAuth(on: LocalZerobus, tokens: TokenEndpointFaults, sdkOptions: ZerobusSdkOptions = { tokenCacheEnabled: false }): Promise<ZerobusStream> {
  const sdk = new ZerobusSdk(on.service.serverEndpoint, tokens.workspaceUrl, sdkOptions);
  teardown.push(async () => sdk.close());
  const stream = await sdk.createStream(on.service.clientId, on.service.clientSecret, new TableProperties(FAULT_TABLE), OPTIONS);
  teardown.push(() => stream.close().catch(() => {}));
  return stream;
}

async function ingestIds(stream: ZerobusStream, tracker: DeliveryTracker, calls: number) {
  const acks = [];
  for (let i = 0; i < calls; i++) acks.push(await ingestTracked(stream, tracker, i % 2 ? [nextId++, nextId++] : [nextId++]));
  return acks;
}

/** Notes what is in flight, then drops every gRPC connection of the service: the stream must reconnect. */
function cutConnections(on: LocalZerobus, streams: Array<[ZerobusStream, DeliveryTracker]>): void {
  for (const [stream, tracker] of streams) tracker.noteFault(unackedIds(stream));
  on.service.faults.cutConnectionsAfter(0);
}

/** The rows of ids from `firstId` to the current `nextId` (the tests share one table). */
async function rowsSince(on: LocalZerobus, firstId: number): Promise<Map<number, number>> {
  return new Map([...(await on.rowCounts())].filter(([id]) => id >= firstId && id < nextId));
}

const expiryOf = (token: string): number => (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { exp: number }).exp;

describe("token endpoint faults", () => {
  it("token endpoint failing at createStream (503 twice), then recovering: createStream retries and opens", async () => {
    const before = front.requests;
    front.failNext(2, 503);
    const stream = await openOAuth(local, front);
    assert.equal(front.requests - before, 3);
    assert.equal(stream.getState(), StreamState.OPENED);
    await stream.close();
  });

  it("token endpoint failing during a reconnect (503, then a dropped connection), then recovering: the stream recovers with a new token", async () => {
    const firstId = nextId;
    const tracker = new DeliveryTracker();
    const stream = await openOAuth(local, front);
    const tokensBefore = front.tokens.length;
    const requestsBefore = front.requests;
    await Promise.all((await ingestIds(stream, tracker, 10)).map((a) => a.waitForAck()));
    front.failNext(1, 503);
    front.failNext(1, "drop");
    cutConnections(local, [[stream, tracker]]);
    await ingestIds(stream, tracker, 10);
    await within(stream.flush(), 10_000, "flush after the token endpoint recovered");
    assert.equal(front.requests - requestsBefore, 3, "two failed token requests, then a good one");
    assert.equal(front.tokens.length - tokensBefore, 1);
    assert.notEqual(front.tokens.at(-1), front.tokens.at(-2), "the reconnect used a new token");
    await stream.close();
    assertDelivered(tracker.check(await rowsSince(local, firstId)));
  });

  it("token endpoint down longer than the retries: FAILED with the token error chained, records returned, recreateStream once it is back", async () => {
    const firstId = nextId;
    const tracker = new DeliveryTracker();
    const stream = await openOAuth(local, front);
    const acked = await ingestIds(stream, tracker, 4);
    await Promise.all(acked.map((a) => a.waitForAck()));
    front.failAll(503);
    cutConnections(local, [[stream, tracker]]);
    const pending = await ingestIds(stream, tracker, 6);
    const error = await within(pending[0]!.waitForAck().then(() => undefined, (e: unknown) => e), 10_000, "failure");
    assert.ok(error instanceof ZerobusException && error.retriable, String(error));
    assert.match(error.message, /gave up after 4 attempts/);
    assert.ok(error.cause instanceof ZerobusException && /Token fetch failed.*503/.test(error.cause.message), String(error.cause));
    assert.equal(stream.getState(), StreamState.FAILED);
    tracker.returnedUnacked(stream.getUnackedRecords().map(recordId));
    front.heal();
    const sdk = new ZerobusSdk(local.service.serverEndpoint, front.workspaceUrl);
    teardown.push(async () => sdk.close());
    const ids = stream.getUnackedRecords().map(recordId);
    tracker.handOver(ids);
    const fresh = await sdk.recreateStream(stream);
    await within(fresh.flush(), 10_000, "flush of the recreated stream");
    tracker.acked(ids);
    await fresh.close();
    assertDelivered(tracker.check(await rowsSince(local, firstId)));
  });

  it("token endpoint answering 401 on a reconnect: non-retriable, the stream fails without retrying", async () => {
    const firstId = nextId;
    const tracker = new DeliveryTracker();
    const stream = await openOAuth(local, front);
    await Promise.all((await ingestIds(stream, tracker, 2)).map((a) => a.waitForAck()));
    const requestsBefore = front.requests;
    front.failNext(1, 401);
    cutConnections(local, [[stream, tracker]]);
    const [pending] = await ingestIds(stream, tracker, 1);
    await assert.rejects(within(pending!.waitForAck(), 10_000, "failure"), (e: unknown) => e instanceof NonRetriableException && /Token request rejected.*401/.test(e.message));
    assert.equal(front.requests - requestsBefore, 1, "no retry after a 401");
    assert.equal(stream.getState(), StreamState.FAILED);
    tracker.returnedUnacked(stream.getUnackedRecords().map(recordId));
    assertDelivered(tracker.check(await rowsSince(local, firstId)));
  });
});

describe("token expiry", () => {
  it("a token that expired while the stream was open is replaced on reconnect; a provider that reuses its token is refused", async () => {
    const short = await startLocalZerobus({ tokenTtlSeconds: 2 });
    const shortFront = await startTokenEndpointFaults(short.service.workspaceUrl);
    teardown.push(async () => {
      await shortFront.close();
      await short.close();
    });
    const firstId = nextId;
    const tracker = new DeliveryTracker(); // one tracker for both streams: it follows records, not streams
    const fresh = await openOAuth(short, shortFront, {});
    // The negative control: a provider that fetched one token and keeps sending it.
    const oauth = new OAuthHeadersProvider({
      clientId: short.service.clientId,
      clientSecret: short.service.clientSecret,
      tableName: FAULT_TABLE,
      workspaceUrl: shortFront.workspaceUrl,
      workspaceId: "127",
    });
    const cached = await oauth.getHeaders();
    const sdk = new ZerobusSdk(short.service.serverEndpoint, "");
    teardown.push(async () => sdk.close());
    const stale = await sdk.createStream(new TableProperties(FAULT_TABLE), "", "", OPTIONS, () => cached);
    for (const stream of [fresh, stale]) await Promise.all((await ingestIds(stream, tracker, 3)).map((a) => a.waitForAck()));

    // Wait for the instant both tokens expire (at most the 2 s lifetime; no event announces it).
    const expiry = Math.max(...shortFront.tokens.map(expiryOf)) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now() + 20)));
    // A record of the stale stream is left in flight (acks held), so the refusal has a caller to reach.
    short.service.faults.stallAcks();
    const [staleAck] = await ingestIds(stale, tracker, 1);
    cutConnections(short, [[fresh, tracker], [stale, tracker]]);
    short.service.faults.resumeAcks();

    const freshAcks = await ingestIds(fresh, tracker, 4);
    await within(Promise.all(freshAcks.map((a) => a.waitForAck())), 10_000, "acks with a fresh token");
    assert.equal(shortFront.tokens.length, 3, "initial, cached, and the reconnect's own token");
    const reconnectToken = shortFront.tokens.at(-1)!;
    assert.ok(expiryOf(reconnectToken) * 1000 > Date.now(), "the reconnect used a token that is still valid");
    assert.equal(shortFront.tokens.filter((t) => t === reconnectToken).length, 1);

    await assert.rejects(within(staleAck!.waitForAck(), 10_000, "refusal"), (e: unknown) =>
      e instanceof NonRetriableException && e.grpcCode === GrpcStatus.UNAUTHENTICATED && /expired/.test(e.message),
    );
    assert.equal(stale.getState(), StreamState.FAILED);
    tracker.returnedUnacked(stale.getUnackedRecords().map(recordId));

    await fresh.close();
    assertDelivered(tracker.check(await rowsSince(short, firstId)));
  });
});
