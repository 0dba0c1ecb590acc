/**
 * One bench scenario in its own process (so CPU time and peak RSS are this client's alone). Argument: a JSON
 * object `{ client, format, batch, endpoint, seconds }`. Prints one JSON result line.
 *
 * - throughput: ingest as fast as the API allows for `seconds`, then flush; rate counts acknowledged records.
 * - latency: ingest at a fixed 5,000 records/s for 3 s; time from the ingest call to the ack, per record.
 */
import { createRequire } from "node:module";
import { makeRecords, recordBytes, DESCRIPTOR_BASE64, TABLE } from "./records.js";
import { createOursClient, createRawClient, type BenchClient } from "./clients.js";

export interface Scenario {
  client: "ours" | "official" | "raw";
  format: "proto" | "json";
  batch: number;
  endpoint: string;
  seconds: number;
  latency: boolean;
}

const scenario = JSON.parse(process.argv[2]!) as Scenario;
const RATE = 5_000;

async function createOfficialClient(): Promise<BenchClient> {
  const require = createRequire(import.meta.url);
  const native = require("@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node");
  const sdk = new native.ZerobusSdk(scenario.endpoint, "http://127.0.0.1:1");
  const headers = { getHeadersCallback: () => [["authorization", "Bearer bench"], ["x-databricks-zerobus-table-name", TABLE]] };
  const tableProperties = scenario.format === "proto" ? { tableName: TABLE, descriptorProto: DESCRIPTOR_BASE64 } : { tableName: TABLE };
  const stream = await sdk.createStream(tableProperties, "", "", { recordType: scenario.format === "proto" ? 1 : 0 }, headers);
  return {
    ingestOne: (r) => stream.ingestRecordOffset(r),
    ingestBatch: (rs) => stream.ingestRecordsOffset(rs),
    ingestOneTimed: (r, done) => void stream.ingestRecord(r).then(done),
    ingestBatchTimed: (rs, done) => void stream.ingestRecords(rs).then(done),
    flush: () => stream.flush(),
    close: () => stream.close(),
  };
}

async function throughput(client: BenchClient, records: Array<Buffer | string>): Promise<{ records: number; bytes: number; ms: number }> {
  const perRecordBytes = records.reduce((a, r) => a + recordBytes(r), 0) / records.length;
  const deadline = performance.now() + scenario.seconds * 1000;
  const start = performance.now();
  let sent = 0;
  if (scenario.batch === 1) {
    outer: for (;;) {
      for (let i = 0; i < records.length; i++) {
        await client.ingestOne(records[i]!);
        sent++;
        if ((sent & 1023) === 0 && performance.now() > deadline) break outer;
      }
    }
  } else {
    while (performance.now() < deadline) {
      await client.ingestBatch(records);
      sent += records.length;
    }
  }
  await client.flush();
  return { records: sent, bytes: sent * perRecordBytes, ms: performance.now() - start };
}

async function latency(client: BenchClient, records: Array<Buffer | string>): Promise<number[]> {
  const samples: number[] = [];
  const total = RATE * 3;
  const tickMs = scenario.batch === 1 ? 10 : (scenario.batch / RATE) * 1000;
  const perTick = scenario.batch === 1 ? (RATE * tickMs) / 1000 : 1;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let k = 0; k < perTick && sent < total; k++) {
        const t0 = performance.now();
        const done = () => samples.push(performance.now() - t0);
        if (scenario.batch === 1) client.ingestOneTimed(records[sent % records.length]!, done);
        else client.ingestBatchTimed(records.slice(0, scenario.batch), done);
        sent += scenario.batch;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  await client.flush();
  return samples.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

async function main(): Promise<void> {
  const records = makeRecords(scenario.format, scenario.batch === 1 ? 10_000 : scenario.batch);
  const client =
    scenario.client === "official"
      ? await createOfficialClient()
      : scenario.client === "raw"
        ? await createRawClient(scenario.endpoint, scenario.format)
        : await createOursClient(scenario.endpoint, scenario.format);
  const cpu0 = process.cpuUsage();
  const t = await throughput(client, records);
  const cpu = process.cpuUsage(cpu0);
  const lat = scenario.latency ? await latency(client, records) : [];
  await client.close();
  console.log(
    JSON.stringify({
      recordsPerSec: (t.records / t.ms) * 1000,
      mbPerSec: t.bytes / 1e6 / (t.ms / 1000),
      cpuUsPerRecord: (cpu.user + cpu.system) / t.records,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      p50Ms: pct(lat, 50),
      p99Ms: pct(lat, 99),
    }),
  );
  process.exit(0);
}

main().catch((err: Error) => {
  console.log(JSON.stringify({ error: err.message.split("\n")[0] }));
  process.exit(0);
});
