/**
 * The integration surfaces once wired into the stream: metrics() against what the server received across
 * a reconnect, the OpenTelemetry export through the meterProvider option, the logger option's events,
 * AbortSignal on waits (the waiter is removed at once), and writable().
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, describe, it } from "node:test";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type SumMetricData } from "@opentelemetry/sdk-metrics";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { StreamState } from "./stream-state.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE, staticHeaders, until } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "./test-support/scripted-server.js";
import { requestRecords } from "./test-support/wire-schema.js";

const servers: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(script: (call: ScriptedCall, index: number) => void | Promise<void>) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return { server, sdk: new ZerobusSdk(server.endpoint, "http://127.0.0.1:1") };
}

/** First call: ack 3 requests, then drop with UNAVAILABLE; later calls ack everything. */
async function dropOnce(call: ScriptedCall, index: number) {
  if (index > 0) return autoAck(call);
  await call.next();
  call.sendCreateResponse("first");
  for (let i = 0; i < 3; i++) call.ack((await call.nextIngest())!.offset);
  await call.nextIngest();
  call.end(14, "connection reset");
}

describe("wired integration surfaces", () => {
  it("metrics(), OpenTelemetry and the logger see the same ingest, acks and reconnect as the server", async () => {
    const { server, sdk } = await serve(dropOnce);
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const events: string[] = [];
    const logger = { info: (_m: string, f: { event: string }) => events.push(f.event), warn: (_m: string, f: { event: string }) => events.push(f.event) };
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON, maxRecordsPerRequest: 1, meterProvider, logger }, staticHeaders());
    for (let i = 0; i < 20; i++) await stream.ingestRecordOffset({ i, pad: "x".repeat(i) });
    await stream.ingestRecordsOffset([{ a: 1 }, { b: 2 }]);
    await stream.flush();

    const stored = [...server.calls[0]!.received.slice(1, 4), ...server.calls[1]!.received.slice(1)].map(requestRecords);
    const m = stream.metrics();
    assert.equal(m.recordsIngested, 22);
    assert.equal(m.recordsAcked, stored.reduce((n, r) => n + r.records.length, 0));
    assert.equal(m.bytesAcked, stored.reduce((n, r) => n + r.records.reduce((b, x) => b + x.length, 0), 0));
    assert.equal(m.inflightRecords, 0);
    assert.equal(m.recoveries, 1);
    assert.equal(m.lastError?.grpcCode, 14);
    assert.equal(m.ackLatencyMs.count, 21);

    await reader.forceFlush();
    const metric = (name: string) => exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((x) => x.descriptor.name === name) as SumMetricData;
    assert.equal(metric("messaging.client.sent.messages").dataPoints[0]!.value, 22);
    assert.equal(metric("zerobus.client.recoveries").dataPoints[0]!.value, 1);
    await stream.close();
    await meterProvider.shutdown();
    assert.deepEqual(events, ["zerobus.stream.opened", "zerobus.stream.recovering", "zerobus.stream.opened", "zerobus.stream.closed"]);
  });

  it("an aborted wait rejects with AbortError at once and removes its waiter; the stream carries on", async () => {
    const { server, sdk } = await serve(async (call) => {
      await call.next();
      call.sendCreateResponse("manual");
    });
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON }, staticHeaders());
    const call = await server.call(0);
    const ack = await stream.ingestRecord({ n: 0 });
    const controller = new AbortController();
    const waits = [ack.waitForAck({ signal: controller.signal }), stream.flush({ signal: controller.signal }), stream.waitForOffset(0n, { signal: controller.signal })];
    await until(() => stream.getState() === StreamState.FLUSHING, 5000, "FLUSHING");
    controller.abort();
    for (const wait of waits) await assert.rejects(wait, { name: "AbortError" });
    assert.equal(stream.getState(), StreamState.OPENED, "the aborted waiters are gone");
    assert.equal(ack.isDone(), false);
    call.ack((await call.nextIngest())!.offset);
    assert.equal(await ack.waitForAck(2), 0n);
    await assert.rejects(stream.close({ signal: AbortSignal.abort() }), { name: "AbortError" });
    await stream.close();
    assert.equal(stream.getState(), StreamState.CLOSED);
  });

  it("writable() and ingestAll() are the stream's own", async () => {
    const { server, sdk } = await serve((call) => autoAck(call));
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON }, staticHeaders());
    await pipeline(Readable.from([{ n: 0 }, { n: 1 }]), stream.writable());
    assert.deepEqual(await stream.ingestAll([{ n: 2 }, { n: 3 }], { batchSize: 2 }), { records: 2, lastOffset: 2n });
    await stream.close();
    const records = server.calls[0]!.received.slice(1).flatMap((r) => requestRecords(r).records.map((b) => JSON.parse(b.toString()).n));
    assert.deepEqual(records, [0, 1, 2, 3]);
  });
});
