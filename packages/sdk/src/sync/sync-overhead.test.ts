/**
 * What the blocking client costs compared with the async API: records/s and CPU per record for one record
 * per call and for batches, against the repository's loopback bench server (`bench/bench-server.ts`, its
 * own process, acknowledging without decoding). Each API runs in its own child process, all its scenarios
 * in turn, on pre-encoded protobuf records (the quickstart's row, ~15 bytes), so that the client machinery
 * is what is measured. CPU is the whole client process: for the blocking client it includes the worker.
 *
 * Each child first runs an unreported warm-up. By default each scenario then runs 0.25 s: a smoke run that
 * prints its figures and asserts none. For the figures in docs/integrations.md:
 * `ZEROBUS_SYNC_BENCH_SECONDS=3 node scripts/run-tests.mjs sync-overhead`.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const SECONDS = Number(process.env.ZEROBUS_SYNC_BENCH_SECONDS ?? 0.25);
const NODE_ARGS = ["--conditions=zerobus-source", "--import", "tsx"];

/** One measured scenario, as the child prints it. */
interface Measured {
  name: string;
  records: number;
  recordsPerSec: number;
  cpuUsPerRecord: number;
}

/** Shared by both children: the records, the headers, and the measuring loop around a step function. */
const COMMON = `
const protobuf = require("protobufjs");
const Row = protobuf.parse('syntax = "proto2"; message AirQuality { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; }', { keepCase: true }).root.lookupType("AirQuality");
const TABLE = "main.default.air_quality";
const HEADERS = [["authorization", "Bearer bench"], ["x-databricks-zerobus-table-name", TABLE]];
const RECORDS = Array.from({ length: 1000 }, (_, i) => Buffer.from(Row.encode({ device_name: "sensor-" + (i % 100), temp: 15 + (i % 20), humidity: 40 + (i % 50) }).finish()));
const BATCH = RECORDS.slice(0, 100);
const SECONDS = ${SECONDS};
const results = [];
function report(name, records, startedAt, cpuAt) {
  if (name === "warm-up") return;
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAt);
  results.push({ name, records, recordsPerSec: Math.round(records / seconds), cpuUsPerRecord: +((cpu.user + cpu.system) / records).toFixed(2) });
}
`;

const ASYNC_CLIENT = `
import { createRequire } from "node:module";
const require = createRequire(process.cwd() + "/");
const { ZerobusSdk, TableProperties } = require("@zerobus-ts/sdk");
${COMMON}
const sdk = new ZerobusSdk(process.env.ENDPOINT, "");
async function run(name, step, perStep) {
  const stream = await sdk.createStream(new TableProperties(TABLE, Row), "", "", {}, () => HEADERS);
  const startedAt = performance.now(), cpuAt = process.cpuUsage(), deadline = startedAt + SECONDS * 1000;
  let records = 0;
  while (performance.now() < deadline) for (let i = 0; i < 100; i += perStep) { await step(stream, records); records += perStep; }
  await stream.close();
  report(name, records, startedAt, cpuAt);
}
await run("warm-up", (s, n) => s.ingestRecordOffset(RECORDS[n % 1000]), 1);
await run("async: await ingestRecordOffset(record)", (s, n) => s.ingestRecordOffset(RECORDS[n % 1000]), 1);
await run("async: await ingestRecordsOffset(100 records)", (s) => s.ingestRecordsOffset(BATCH), 100);
await run("async: await (await ingestRecord(record)).waitForAck()", async (s, n) => (await s.ingestRecord(RECORDS[n % 1000])).waitForAck(), 1);
sdk.close();
console.log(JSON.stringify(results));
`;

const SYNC_CLIENT = `
const { ZerobusSdk, TableProperties } = require("@zerobus-ts/sdk/sync");
${COMMON}
function run(sdk, name, step, perStep) {
  const stream = sdk.createStream(new TableProperties(TABLE, Row), "", "", {}, HEADERS);
  const startedAt = performance.now(), cpuAt = process.cpuUsage(), deadline = startedAt + SECONDS * 1000;
  let records = 0;
  while (performance.now() < deadline) for (let i = 0; i < 100; i += perStep) { step(stream, records); records += perStep; }
  stream.close();
  report(name, records, startedAt, cpuAt);
}
const sdk = new ZerobusSdk(process.env.ENDPOINT, "");
run(sdk, "warm-up", (s, n) => s.ingestRecordOffset(RECORDS[n % 1000]), 1);
run(sdk, "sync: ingestRecordOffset(record)", (s, n) => s.ingestRecordOffset(RECORDS[n % 1000]), 1);
run(sdk, "sync: ingestRecord(record) (ack handle)", (s, n) => s.ingestRecord(RECORDS[n % 1000]), 1);
run(sdk, "sync: ingestRecordsOffset(100 records)", (s) => s.ingestRecordsOffset(BATCH), 100);
run(sdk, "sync: ingestRecord(record).waitForAck()", (s, n) => s.ingestRecord(RECORDS[n % 1000]).waitForAck(), 1);
sdk.close();
const eager = new ZerobusSdk(process.env.ENDPOINT, "", { handoffMaxRecords: 1 });
run(eager, "sync, handoffMaxRecords 1: ingestRecordOffset(record)", (s, n) => s.ingestRecordOffset(RECORDS[n % 1000]), 1);
eager.close();
console.log(JSON.stringify(results));
`;

/** Set if the bench server exits before the end: named in a client's failure instead of a bare ECONNREFUSED. */
let serverExit: string | undefined;

function runClient(args: string[], endpoint: string): Promise<Measured[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...NODE_ARGS, ...args], { cwd: REPO, env: { ...process.env, ENDPOINT: endpoint }, timeout: 30_000 + SECONDS * 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}${serverExit ? `\n(the bench server had exited: ${serverExit})` : ""}`));
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Measured[]);
    });
  });
}

describe("blocking client overhead (records/s against the loopback bench server)", () => {
  let server: ChildProcess;
  let endpoint = "";
  before(async () => {
    server = spawn(process.execPath, [...NODE_ARGS, "bench/bench-server.ts"], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    const [line] = (await new Promise<Buffer[]>((resolve, reject) => {
      server.stdout!.once("data", (d: Buffer) => resolve([d]));
      server.once("error", reject);
    })) as [Buffer];
    endpoint = `http://127.0.0.1:${(JSON.parse(line.toString()) as { port: number }).port}`;
    server.once("exit", (code, signal) => void (serverExit = `code ${code}, signal ${signal}`));
  });
  after(() => void server?.kill("SIGTERM"));

  it("measures the async API and the blocking client, one record per call and in batches", async (t) => {
    const results = [...(await runClient(["--input-type=module", "-e", ASYNC_CLIENT], endpoint)), ...(await runClient(["-e", SYNC_CLIENT], endpoint))];
    for (const r of results) {
      t.diagnostic(`${r.name.padEnd(56)} ${String(r.recordsPerSec).padStart(10)} records/s ${String(r.cpuUsPerRecord).padStart(7)} µs CPU/record`);
      assert.ok(r.records > 0 && r.recordsPerSec > 0, r.name);
    }
    assert.equal(results.length, 8);
  });
});
