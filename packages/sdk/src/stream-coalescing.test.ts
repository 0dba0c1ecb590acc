import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { GrpcStatus, NonRetriableException } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { TABLE, staticHeaders, within } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "./test-support/scripted-server.js";
import { requestRecords, type DecodedRequest } from "./test-support/wire-schema.js";

// Coalescing is on by default; these options only make failures fast.
const OPTIONS = { recoveryBackoffMs: 10, recoveryTimeoutMs: 2_000, flushTimeoutMs: 5_000, recordType: RecordType.JSON };
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((c) => c())));

async function open(script: (call: ScriptedCall, index: number) => void | Promise<void>, options: object = {}) {
  const server = await startScriptedServer(script);
  closers.push(() => server.close());
  const sdk = new ZerobusSdk(server.endpoint, "");
  const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...OPTIONS, ...options }, staticHeaders());
  return { server, stream };
}

/** The ingest requests a call received, as [offset, records] pairs. */
const ingests = (call: ScriptedCall) =>
  call.received.filter((r: DecodedRequest) => !r.createStream).map((r) => {
    const { offset, records } = requestRecords(r);
    return [Number(offset), records.map(String)] as const;
  });

describe("coalescing single-record calls", () => {
  it("sends a lone record at once, then packs the calls made while it is in flight into one batch", async () => {
    const { server, stream } = await open((call) => autoAck(call));
    const offsets: bigint[] = [];
    for (let i = 0; i < 500; i++) offsets.push(await stream.ingestRecordOffset(`{"i":${i}}`));
    await stream.flush();
    await stream.close();
    assert.deepEqual(offsets, Array.from({ length: 500 }, (_, i) => BigInt(i)), "one logical offset per call");
    const requests = ingests(server.calls[0]!);
    assert.deepEqual(requests[0], [0, ['{"i":0}']], "the first record went out alone, with no wait");
    assert.equal(requests.length, 2, "the other 499 left together");
    assert.equal(requests[1]![1].length, 499);
    assert.equal(requests[1]![1][498], '{"i":499}');
  });

  it("sends a synchronous burst of calls on an idle stream as one request, at once", async () => {
    const { server, stream } = await open((call) => autoAck(call));
    const offsets = await Promise.all(Array.from({ length: 50 }, (_, i) => stream.ingestRecordOffset(`{"i":${i}}`)));
    await stream.flush();
    await stream.close();
    assert.deepEqual(offsets, Array.from({ length: 50 }, (_, i) => BigInt(i)));
    const requests = ingests(server.calls[0]!);
    assert.equal(requests.length, 1, "no record waited for an event-loop turn, and none went out alone");
    assert.deepEqual(requests[0], [0, Array.from({ length: 50 }, (_, i) => `{"i":${i}}`)]);
  });

  it("keeps an acknowledgment and callback per record", async () => {
    const perRecord: bigint[] = [];
    const { stream } = await open((call) => autoAck(call), { ackCallback: { onAck: (o: bigint) => perRecord.push(o) } });
    const acks = [];
    for (let i = 0; i < 50; i++) acks.push(await stream.ingestRecord({ i }));
    assert.deepEqual(await Promise.all(acks.map((a) => a.waitForAck())), acks.map((a) => a.offset));
    await stream.close();
    assert.deepEqual(perRecord, Array.from({ length: 50 }, (_, i) => BigInt(i)));
  });

  it("bounds a request by maxRecordsPerRequest and maxBytesPerRequest; batch calls stay their own request", async () => {
    const { server, stream } = await open((call) => autoAck(call), { maxRecordsPerRequest: 10, maxBytesPerRequest: 100 });
    await stream.ingestRecordOffset("{}"); // in flight: the next calls coalesce
    for (let i = 0; i < 25; i++) await stream.ingestRecordOffset(`{"n":${i}}`); // 8 bytes each (10 with i ≥ 10)
    await stream.ingestRecordsOffset(["[1]", "[2]"]);
    await stream.ingestRecordOffset('{"x":"' + "y".repeat(60) + '"}'); // 68 bytes
    await stream.ingestRecordOffset('{"x":"' + "z".repeat(60) + '"}');
    await stream.close();
    const sizes = ingests(server.calls[0]!).map(([, records]) => records.length);
    assert.deepEqual(sizes, [1, 10, 10, 5, 2, 1, 1]);
  });

  it("turned off with maxRecordsPerRequest: 1", async () => {
    const { server, stream } = await open((call) => autoAck(call), { maxRecordsPerRequest: 1 });
    for (let i = 0; i < 20; i++) await stream.ingestRecordOffset(`{"i":${i}}`);
    await stream.close();
    assert.equal(ingests(server.calls[0]!).length, 20);
  });

  it("replays coalesced records after a failure with their offsets unchanged", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      await call.nextIngest(); // the lone first record
      call.ack(0);
      await call.nextIngest(); // the coalesced rest
      call.end(GrpcStatus.UNAVAILABLE, "restarting");
    });
    const acks = [];
    for (let i = 0; i < 100; i++) acks.push(await stream.ingestRecord({ i }));
    const offsets = await within(Promise.all(acks.map((a) => a.waitForAck())), 5000, "acks after recovery");
    assert.deepEqual(offsets, Array.from({ length: 100 }, (_, i) => BigInt(i)));
    const replayed = ingests(server.calls[1]!).flatMap(([, records]) => records);
    assert.deepEqual(replayed, Array.from({ length: 99 }, (_, i) => JSON.stringify({ i: i + 1 })), "every unacked record, in order");
    await stream.close();
  });

  it("refuses a call over the service's 10 MiB limit before sending it", async () => {
    const { server, stream } = await open((call) => autoAck(call));
    const big = "x".repeat(6 * 1024 * 1024);
    await assert.rejects(stream.ingestRecords([`"${big}"`, `"${big}"`]), (err: unknown) => err instanceof NonRetriableException && /10 MiB/.test(err.message));
    await stream.close();
    assert.equal(ingests(server.calls[0]!).length, 0);
  });
});
