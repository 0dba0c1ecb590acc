import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import { TableProperties } from "../table-properties.js";
import { FAST, TABLE, staticHeaders } from "../test-support/fixtures.js";
import { autoAck, startScriptedServer } from "../test-support/scripted-server.js";
import { requestRecords } from "../test-support/wire-schema.js";
import { StreamMetrics } from "./stream-metrics.js";

describe("StreamMetrics", () => {
  it("counts records, bytes, in-flight, recoveries and errors", () => {
    const m = new StreamMetrics();
    m.onIngested(1, 10);
    m.onIngested(3, 30);
    m.onIngested(1, 5);
    m.onAcked(1, 10, 4);
    m.onRecovery(new ZerobusException("UNAVAILABLE", { grpcCode: 14 }));
    m.onRecovery();
    m.onAcked(3, 30, 12);
    const before = m.snapshot();
    assert.equal(before.inflightRecords, 1);
    assert.equal(before.inflightBytes, 5);
    assert.equal(before.lastError?.grpcCode, 14);
    assert.equal(before.lastError?.retriable, true);
    m.onFailed(1, 5);
    m.onError(new NonRetriableException("NOT_FOUND", { grpcCode: 5 }));
    const s = m.snapshot();
    assert.deepEqual(
      { ...s, lastError: undefined, ackLatencyMs: undefined },
      { recordsIngested: 5, recordsAcked: 4, recordsFailed: 1, bytesIngested: 45, bytesAcked: 40, inflightRecords: 0, inflightBytes: 0, recoveries: 2, errors: 2, lastError: undefined, ackLatencyMs: undefined },
    );
    assert.deepEqual({ ...s.lastError, time: 0 }, { name: "NonRetriableException", message: "NOT_FOUND", grpcCode: 5, retriable: false, time: 0 });
    assert.equal(s.ackLatencyMs.count, 2);
    assert.equal(s.ackLatencyMs.max, 12);
    assert.doesNotThrow(() => JSON.stringify(s));
  });

  it("tells ack listeners until they stop", () => {
    const m = new StreamMetrics();
    const seen: number[][] = [];
    const stop = m.addAckListener((ms, records, bytes) => seen.push([ms, records, bytes]));
    m.onAcked(2, 20, 7);
    stop();
    m.onAcked(1, 1, 1);
    assert.deepEqual(seen, [[7, 2, 20]]);
  });
});

/**
 * A temporary wrapper standing in for the engine hooks until they are wired: it feeds a StreamMetrics from
 * the public API (ingest calls, the ack callback, and the headers provider, called once per connection).
 */
function instrumented(metrics: StreamMetrics) {
  const pending: Array<{ offset: bigint; at: number; records: number; bytes: number }> = [];
  let connections = 0;
  return {
    options: {
      ackCallback: ({ durabilityAckUpToOffset: upTo }: { durabilityAckUpToOffset: bigint }) => {
        const now = performance.now();
        while (pending.length > 0 && pending[0]!.offset <= upTo) {
          const p = pending.shift()!;
          metrics.onAcked(p.records, p.bytes, now - p.at);
        }
      },
    },
    headers: () => {
      if (connections++ > 0) metrics.onRecovery();
      return staticHeaders()();
    },
    async ingest(stream: { ingestRecordsOffset(r: unknown[]): Promise<bigint | null> }, records: object[]) {
      const at = performance.now();
      const bytes = records.reduce((sum: number, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0);
      const offset = (await stream.ingestRecordsOffset(records))!;
      metrics.onIngested(records.length, bytes);
      pending.push({ offset, at, records: records.length, bytes });
    },
  };
}

describe("StreamMetrics against what the server received", () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it("matches the records and bytes the server acknowledged, across a reconnect", async () => {
    let cut = false;
    const server = await startScriptedServer(async (call) => {
      if (cut) return autoAck(call);
      // First connection: ack 3 requests, then drop with a retriable status; the rest are replayed.
      await call.next();
      call.sendCreateResponse("first");
      for (let i = 0; i < 3; i++) call.ack((await call.nextIngest())!.offset);
      await call.nextIngest();
      cut = true;
      call.end(14, "connection reset");
    });
    servers.push(server);
    const metrics = new StreamMetrics();
    const wrap = instrumented(metrics);
    const sdk = new ZerobusSdk(server.endpoint, "http://127.0.0.1:1");
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON, ...wrap.options }, wrap.headers);
    for (let i = 0; i < 20; i++) await wrap.ingest(stream, i % 4 === 0 ? [{ i, batch: true }, { i: i + 0.5 }] : [{ i, text: "x".repeat(i) }]);
    await stream.close();

    // What the server stored: every record of the second connection, plus the acked prefix of the first.
    const [first, second] = server.calls;
    const stored = [...first!.received.slice(1, 4), ...second!.received.slice(1)].map(requestRecords);
    const records = stored.reduce((n, r) => n + r.records.length, 0);
    const bytes = stored.reduce((n, r) => n + r.records.reduce((b, x) => b + x.length, 0), 0);
    const s = metrics.snapshot();
    assert.equal(s.recordsIngested, 25);
    assert.equal(s.recordsAcked, records);
    assert.equal(s.bytesAcked, bytes);
    assert.equal(s.bytesIngested, bytes);
    assert.equal(s.inflightRecords, 0);
    assert.equal(s.recoveries, 1);
    assert.equal(s.ackLatencyMs.count, 20);
    assert.ok(s.ackLatencyMs.p50 > 0 && s.ackLatencyMs.p50 <= s.ackLatencyMs.p99 && s.ackLatencyMs.p99 <= s.ackLatencyMs.max);
  });
});
