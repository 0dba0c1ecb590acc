/**
 * The multi-stream bench row (issue 15): one SDK, 8 concurrent streams into 8 tables, PROTO, one record per
 * call and batches of 1,000; ours (a connection per stream, the default, and one shared connection) against
 * the official TypeScript SDK 1.3.0 (native binding; it shares one connection). Aggregate acknowledged
 * records/s and client CPU per record.
 *
 * Run as a worker (`node --import tsx bench/multi-stream.ts '<json>'`) it drives one client and prints one
 * JSON line; `multiStreamRows()` runs both clients in their own processes and returns the table rows.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { fmt, runJsonWorker } from "./child-runs.js";
import { AirQuality, DESCRIPTOR_BASE64, makeRecords } from "./records.js";

/** Streams (and tables) per run. */
export const STREAMS = 8;

interface Job {
  client: "ours" | "official";
  /** Ours only: one shared connection (`connectionPerStream: false`) instead of one per stream. */
  shared?: boolean;
  batch: number;
  endpoint: string;
  seconds: number;
}

interface MultiResult {
  recordsPerSec?: number;
  cpuUsPerRecord?: number;
  peakRssMb?: number;
  error?: string;
}

/** What each stream loop needs: ingest one record or a batch (awaiting admission), and flush. */
interface StreamHandle {
  one(record: Buffer | string): Promise<unknown> | unknown;
  batch(records: Array<Buffer | string>): Promise<unknown> | unknown;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const tableOf = (i: number) => `main.default.bench_${i}`;
const headersFor = (table: string) => () => [["authorization", "Bearer bench"], ["x-databricks-zerobus-table-name", table]] as Array<[string, string]>;

async function openOurs(endpoint: string, shared: boolean): Promise<{ streams: StreamHandle[]; close(): void }> {
  const sdk = new ZerobusSdk(endpoint, "", { connectionPerStream: !shared });
  const streams = await Promise.all(
    Array.from({ length: STREAMS }, async (_, i) => {
      const stream = await sdk.createStream(new TableProperties(tableOf(i), AirQuality), "", "", { recordType: RecordType.PROTO }, headersFor(tableOf(i)));
      return { one: (r: Buffer | string) => stream.ingestRecordOffset(r), batch: (rs: Array<Buffer | string>) => stream.ingestRecordsOffset(rs), flush: () => stream.flush(), close: () => stream.close() };
    }),
  );
  return { streams, close: () => sdk.close() };
}

async function openOfficial(endpoint: string): Promise<{ streams: StreamHandle[]; close(): void }> {
  const require = createRequire(import.meta.url);
  const native = require("@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node");
  const sdk = new native.ZerobusSdk(endpoint, "http://127.0.0.1:1");
  const streams = await Promise.all(
    Array.from({ length: STREAMS }, async (_, i) => {
      const table = tableOf(i);
      const stream = await sdk.createStream({ tableName: table, descriptorProto: DESCRIPTOR_BASE64 }, "", "", { recordType: 1 }, { getHeadersCallback: headersFor(table) });
      return {
        one: (r: Buffer | string) => stream.ingestRecordOffset(r),
        batch: (rs: Array<Buffer | string>) => stream.ingestRecordsOffset(rs),
        flush: () => stream.flush(),
        close: () => stream.close(),
      } as StreamHandle;
    }),
  );
  return { streams, close: () => {} };
}

/** One stream's loop: as fast as the API allows until `deadline`; returns the records ingested. */
async function drive(stream: StreamHandle, records: Array<Buffer | string>, batch: number, deadline: number): Promise<number> {
  let sent = 0;
  if (batch === 1) {
    for (;;) {
      for (let i = 0; i < records.length; i++) {
        await stream.one(records[i]!);
        sent++;
        if ((sent & 1023) === 0 && performance.now() > deadline) return sent;
      }
    }
  }
  while (performance.now() < deadline) {
    await stream.batch(records);
    sent += records.length;
  }
  return sent;
}

async function worker(job: Job): Promise<MultiResult> {
  const records = makeRecords("proto", job.batch === 1 ? 10_000 : job.batch);
  const opened = job.client === "ours" ? await openOurs(job.endpoint, job.shared === true) : await openOfficial(job.endpoint);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + job.seconds * 1000;
  const counts = await Promise.all(opened.streams.map((s) => drive(s, records, job.batch, deadline)));
  await Promise.all(opened.streams.map((s) => s.flush()));
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const total = counts.reduce((a, b) => a + b, 0);
  await Promise.all(opened.streams.map((s) => s.close()));
  opened.close();
  return { recordsPerSec: (total / ms) * 1000, cpuUsPerRecord: (cpu.user + cpu.system) / total, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const runJob = (job: Job): Promise<MultiResult> =>
  runJsonWorker<MultiResult>(["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(job)], (job.seconds + 60) * 1000);

/** Runs both clients for both batch sizes against `endpoint`; returns Markdown rows (header included). */
export async function multiStreamRows(endpoint: string, seconds: number): Promise<string[]> {
  const rows = [
    `| ${STREAMS} streams, PROTO, records per call | client | aggregate records/s | client CPU µs/record | peak RSS MB | ours/official records/s | ours/official CPU |`,
    "|---|---|---|---|---|---|---|",
  ];
  for (const batch of [1, 1000]) {
    const ours = await runJob({ client: "ours", batch, endpoint, seconds });
    const oursShared = await runJob({ client: "ours", shared: true, batch, endpoint, seconds });
    const official = await runJob({ client: "official", batch, endpoint, seconds });
    const cell = (r: MultiResult) => (r.error ? `unavailable: ${r.error} | | ` : `${fmt(r.recordsPerSec)} | ${fmt(r.cpuUsPerRecord, 2)} | ${fmt(r.peakRssMb)}`);
    const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : "—");
    const vsOfficial = (r: MultiResult) => `${ratio(r.recordsPerSec, official.recordsPerSec)} | ${ratio(r.cpuUsPerRecord, official.cpuUsPerRecord)}`;
    rows.push(`| ${batch} | zerobus-ts (connection per stream, default) | ${cell(ours)} | ${vsOfficial(ours)} |`);
    rows.push(`| ${batch} | zerobus-ts (connectionPerStream: false) | ${cell(oursShared)} | ${vsOfficial(oursShared)} |`);
    rows.push(`| ${batch} | official 1.3.0 (one shared connection) | ${cell(official)} | | |`);
    console.log(rows.slice(-3).join("\n"));
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  worker(JSON.parse(process.argv[2]) as Job).then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (err: Error) => {
      console.log(JSON.stringify({ error: err.message.split("\n")[0] }));
      process.exit(0);
    },
  );
}
