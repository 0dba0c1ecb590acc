/**
 * The token cache against the local service's real token endpoint (OFFICIAL-2X.md §2), through a front
 * that counts and fails token requests: many streams share one token, a token nearing expiry is replaced
 * before it expires, a reconnect after expiry gets a new one, and a token endpoint outage while the cached
 * token is valid goes unnoticed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import type { ZerobusStream } from "../stream.js";
import { TableProperties } from "../table-properties.js";
import { until, within } from "../test-support/fixtures.js";
import { FAULT_TABLE, startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { startTokenEndpointFaults, type TokenEndpointFaults } from "../test-support/token-endpoint-faults.js";

const OPTIONS = { recordType: RecordType.JSON, recoveryBackoffMs: 20, recoveryTimeoutMs: 3000, flushTimeoutMs: 10_000 };
/** Token lifetimes: short for the expiry test; long enough elsewhere that a slow machine never reaches the refresh point by accident. */
const TTL_SECONDS = 2;
const STEADY_TTL_SECONDS = 6;

interface Service {
  local: LocalZerobus;
  front: TokenEndpointFaults;
}
let short: Service;
let steady: Service;
let nextId = 0;
const cleanups: Array<() => Promise<void>> = [];
const startService = async (ttl: number): Promise<Service> => {
  const local = await startLocalZerobus({ tokenTtlSeconds: ttl });
  return { local, front: await startTokenEndpointFaults(local.service.workspaceUrl) };
};
before(async () => {
  [short, steady] = await Promise.all([startService(TTL_SECONDS), startService(STEADY_TTL_SECONDS)]);
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const { local, front } of [short, steady]) {
    await front.close();
    await local.close();
  }
});

function newSdk({ local, front }: Service): ZerobusSdk {
  const sdk = new ZerobusSdk(local.service.serverEndpoint, front.workspaceUrl);
  cleanups.push(async () => sdk.close());
  return sdk;
}

async function open(sdk: ZerobusSdk, { local }: Service): Promise<ZerobusStream> {
  const stream = await sdk.createStream(local.service.clientId, local.service.clientSecret, new TableProperties(FAULT_TABLE), OPTIONS);
  cleanups.push(() => stream.close().catch(() => {}));
  return stream;
}

const ingestOne = async (stream: ZerobusStream) => within((await stream.ingestRecord({ id: nextId++ })).waitForAck(), 10_000, "ack");

/** Waits until `ms` have passed since `since` (a token's age, not an event anything could announce). */
const ageTo = (since: number, ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, since + ms - Date.now())));

/** Rotates every stream of the service now (a close signal of 0 ms): each reconnects at once. */
async function rotate(stream: ZerobusStream, { local }: Service): Promise<void> {
  const before = stream.streamId;
  local.service.faults.sendCloseSignalNow(0);
  await until(() => stream.streamId !== before, 5_000, "reconnect");
}

describe("token cache", () => {
  it("50 streams on one table fetch one token", async () => {
    const sdk = newSdk(steady);
    const before = steady.front.requests;
    const streams = await Promise.all(Array.from({ length: 50 }, () => open(sdk, steady)));
    await Promise.all(streams.map(ingestOne));
    assert.equal(steady.front.requests - before, 1);
    await Promise.all(streams.map((s) => s.close()));
  });

  it("a token is refreshed before it expires, and a reconnect after its expiry gets a valid one", async () => {
    const sdk = newSdk(short);
    const { front } = short;
    const start = Date.now();
    const stream = await open(sdk, short);
    const first = front.tokens.at(-1)!;
    await ingestOne(stream);
    // Within the refresh buffer (half of a 2 s life) but before expiry: the reconnect refreshes early.
    await ageTo(start, 1_200);
    await rotate(stream, short);
    await ingestOne(stream);
    const second = front.tokens.at(-1)!;
    assert.notEqual(second, first, "refreshed before expiry");
    // Past the expiry of both: the service would refuse either; the reconnect must bring a new one.
    await ageTo(start, 3_400);
    await rotate(stream, short);
    await ingestOne(stream);
    assert.notEqual(front.tokens.at(-1), second);
    await stream.close();
  });

  it("a token endpoint outage while the cached token is valid causes no error", async () => {
    const sdk = newSdk(steady);
    const { front } = steady;
    const start = Date.now();
    const stream = await open(sdk, steady);
    await ingestOne(stream);
    await ageTo(start, 3_100); // due for a refresh (half of a 6 s life), still valid for ~2.9 s
    const before = front.requests;
    front.failAll(503);
    try {
      await rotate(stream, steady);
      await ingestOne(stream);
      assert.equal(front.requests - before, 1, "one failed refresh, then the cached token served");
      const second = await open(sdk, steady); // a new stream during the outage is served the cached token too
      await ingestOne(second);
      assert.equal(front.requests - before, 1, "no new request while the refresh backs off");
      await second.close();
    } finally {
      front.heal();
    }
    await stream.close();
  });
});
