import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { NonRetriableException, ZerobusException } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { StreamState } from "./stream-state.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE, staticHeaders, until, within } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "./test-support/scripted-server.js";
import { SDK_IDENTIFIER } from "./version.js";

const JSON_OPTIONS = { ...FAST, recordType: RecordType.JSON };
const servers: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(script: (call: ScriptedCall) => void | Promise<void>) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return { server, sdk: new ZerobusSdk(server.endpoint, "http://127.0.0.1:1") };
}

/** Script: answer create, then hand ingest requests to the test, which acks by hand. */
async function manualAcks(call: ScriptedCall) {
  await call.next();
  call.sendCreateResponse("manual");
}

describe("stream handshake", () => {
  it("sends create_stream with table and record type, headers and the SDK identifier; exposes the stream id", async () => {
    const { server, sdk } = await serve((call) => autoAck(call, "sid-42"));
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    assert.equal(stream.streamId, "sid-42");
    assert.equal(stream.getState(), StreamState.OPENED);
    const call = server.calls[0]!;
    assert.deepEqual(call.received[0]?.createStream, { tableName: TABLE, recordType: 2 });
    assert.equal(call.metadata["authorization"], "Bearer test-token");
    assert.equal(call.metadata["x-databricks-zerobus-table-name"], TABLE);
    assert.equal(call.metadata["x-zerobus-sdk"], SDK_IDENTIFIER);
    assert.match(call.metadata["user-agent"] ?? "", /zerobus-ts\//);
    await stream.close();
    assert.equal(stream.getState(), StreamState.CLOSED);
  });

  it("accepts both createStream argument orders", async () => {
    const { sdk } = await serve((call) => autoAck(call));
    const python = await sdk.createStream("id", "secret", { tableName: TABLE }, JSON_OPTIONS, staticHeaders());
    const official = await sdk.createStream({ tableName: TABLE }, "id", "secret", JSON_OPTIONS, staticHeaders());
    const viaProvider = await sdk.createStreamWithHeadersProvider(staticHeaders(), new TableProperties(TABLE), JSON_OPTIONS);
    for (const s of [python, official, viaProvider]) {
      assert.equal(s.tableName, TABLE);
      await s.close();
    }
  });
});

describe("offsets and acks", () => {
  it("assigns one logical offset per call and resolves acks cumulatively", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    const call = await server.call(0);
    const a0 = await stream.ingestRecord('{"n":0}');
    const a1 = await stream.ingestRecord({ n: 1 });
    const batch = await stream.ingestRecords([{ n: 2 }, { n: 3 }, '{"n":4}']);
    assert.deepEqual([a0.offset, a1.offset, batch?.offset], [0n, 1n, 2n]);
    assert.equal(await stream.ingestRecordOffset({ n: 5 }), 3n);
    assert.equal(await stream.ingestRecordsOffset([]), null);
    assert.equal(await stream.ingestRecords([]), null);

    const requests = [await call.nextIngest(), await call.nextIngest(), await call.nextIngest(), await call.nextIngest()];
    assert.deepEqual(requests.map((r) => r?.offset), [0n, 1n, 2n, 3n]);
    assert.deepEqual(requests[2]?.records.map(String), ['{"n":2}', '{"n":3}', '{"n":4}']);
    assert.equal(a0.isDone(), false);
    call.ack(1);
    assert.equal(await a1.waitForAck(), 1n);
    assert.ok(a0.isDone());
    assert.equal(batch?.isDone(), false);
    call.ack(3);
    assert.equal(await batch?.waitForAck(), 2n);
    await stream.waitForOffset(3n);
    await stream.close();
    call.finish();
  });

  it("sends a one-record batch as a single record", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    const call = await server.call(0);
    await stream.ingestRecords([{ only: true }]);
    const request = await call.next();
    assert.equal(request?.ingestRecord?.jsonRecord, '{"only":true}');
    call.ack(0);
    await stream.close();
  });

  it("calls the ack callback with logical offsets (function and object styles)", async () => {
    const { sdk } = await serve((call) => autoAck(call));
    const seen: bigint[] = [];
    const perEntry: bigint[] = [];
    const fn = await sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, ackCallback: (info) => seen.push(info.durabilityAckUpToOffset) }, staticHeaders());
    const obj = await sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, ack_callback: { onAck: (o: bigint) => perEntry.push(o) } } as never, staticHeaders());
    for (let i = 0; i < 3; i++) {
      await fn.ingestRecord({ i });
      await obj.ingestRecord({ i });
    }
    await fn.close();
    await obj.close();
    assert.equal(seen.at(-1), 2n);
    assert.deepEqual(perEntry, [0n, 1n, 2n]);
  });

  it("addDoneCallback fires once settled, and at once when already done", async () => {
    const { sdk } = await serve((call) => autoAck(call));
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    const ack = await stream.ingestRecord({ x: 1 });
    const first = new Promise((resolve) => ack.addDoneCallback(resolve));
    assert.equal(await within(first, 5000, "done callback"), ack);
    const second = new Promise((resolve) => ack.addDoneCallback(resolve));
    assert.equal(await within(second, 5000, "late done callback"), ack);
    await stream.close();
  });
});

describe("backpressure", () => {
  it("blocks at maxInflightRecords and resumes when acks free room", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, maxInflightRecords: 3 }, staticHeaders());
    const call = await server.call(0);
    await stream.ingestRecords([{ a: 1 }, { a: 2 }]);
    await stream.ingestRecord({ a: 3 });
    let admitted = false;
    const blocked = stream.ingestRecord({ a: 4 }).then((ack) => ((admitted = true), ack));
    await call.nextIngest();
    await call.nextIngest();
    assert.equal(admitted, false, "the 4th record waits while 3 are in flight");
    call.ack(0); // releases the 2-record batch
    const ack = await within(blocked, 5000, "admission");
    assert.equal(ack.offset, 2n);
    const req = await call.nextIngest();
    call.ack(req!.offset);
    await stream.close();
  });
});

describe("flush and close", () => {
  it("flush waits for the acks of everything ingested before it", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    const call = await server.call(0);
    for (let i = 0; i < 3; i++) await stream.ingestRecordOffset({ i });
    let flushed = false;
    const flush = stream.flush().then(() => (flushed = true));
    await until(() => stream.getState() === StreamState.FLUSHING, 5000, "FLUSHING");
    call.ack(1);
    await call.nextIngest();
    assert.equal(flushed, false);
    call.ack(2);
    await within(flush, 5000, "flush");
    assert.equal(stream.getState(), StreamState.OPENED);
    await stream.close();
  });

  it("flush times out at flushTimeoutMs with a retriable error, leaving the records in flight", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, flushTimeoutMs: 50 }, staticHeaders());
    await server.call(0);
    await stream.ingestRecord({ stuck: true });
    await assert.rejects(stream.flush(), (err: unknown) => err instanceof ZerobusException && !(err instanceof NonRetriableException) && /Flush timed out after 50 ms/.test(err.message));
    assert.equal(stream.getUnackedRecords().length, 1);
    assert.equal(stream.getState(), StreamState.OPENED);
    // close() flushes too; when that times out the stream fails and keeps the record for recovery
    await assert.rejects(stream.close(), /timed out/);
    assert.equal(stream.getState(), StreamState.FAILED);
    assert.deepEqual(stream.getUnackedRecords().map(String), ['{"stuck":true}']);
  });

  it("close drains in-flight records, half-closes, and is idempotent; ingest after close is refused", async () => {
    const { server, sdk } = await serve((call) => autoAck(call));
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    const acks = [];
    for (let i = 0; i < 50; i++) acks.push(await stream.ingestRecord({ i }));
    await stream.close();
    await stream.close();
    assert.ok(acks.every((a) => a.isDone() && !a.error));
    assert.deepEqual(stream.getUnackedRecords(), []);
    await within(server.calls[0]!.done, 5000, "call end");
    await assert.rejects(stream.ingestRecord({ late: 1 }), NonRetriableException);
    await stream.flush(); // nothing to do on a closed stream
  });
});

describe("records", () => {
  it("rejects the wrong payload kind before sending anything", async () => {
    const { server, sdk } = await serve(manualAcks);
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    await assert.rejects(stream.ingestRecord(Buffer.from("x")), NonRetriableException);
    await assert.rejects(stream.ingestRecords([{ ok: 1 }, Buffer.from("x")]), /Record 1/);
    await assert.rejects(stream.ingestRecords("nope" as never), NonRetriableException);
    await assert.rejects(stream.waitForOffset(-1), NonRetriableException);
    await assert.rejects(stream.waitForOffset(99n), /not been assigned/);
    await stream.close();
    assert.equal(server.calls[0]!.received.length, 1, "only create_stream was sent");
  });
});
