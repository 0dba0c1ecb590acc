/**
 * The Arrow rows of `npm run bench`: our Arrow stream against the official TypeScript SDK 1.3.0's
 * `createArrowStream` on the bench server's DoPut sink, in batches of 1,000 and 50,000 rows, with the
 * sink's own ceiling (pre-framed FlightData) measured in the same run; then the local service's durable
 * Arrow ingest rate. Each client runs in its own process. Returns (and prints) a Markdown table.
 * Run alone with `node --import tsx bench/arrow-bench.ts`.
 */
import { fileURLToPath } from "node:url";
import type { ArrowScenario } from "./arrow-worker.js";
import { benchPath as here, fmt, ratio, runJsonWorker, startReadyChild as startChild } from "./child-runs.js";
import { TABLE } from "./records.js";

const TSX = ["--import", "tsx"];
// The local service runs from source (only the client's CPU and memory are measured).
const FROM_SOURCE = ["--conditions=zerobus-source", "--import", "tsx"];
const LOCAL_SECONDS = 5;
const LOCAL_TARGET_ROWS_PER_SEC = 2_000_000;

interface ArrowResult {
  rowsPerSec?: number;
  mbPerSec?: number;
  cpuUsPerRow?: number;
  peakRssMb?: number;
  error?: string;
}

const runArrowScenario = (scenario: ArrowScenario): Promise<ArrowResult> =>
  runJsonWorker<ArrowResult>([...TSX, here("./arrow-worker.ts"), JSON.stringify(scenario)], (scenario.seconds + 60) * 1000);

const HEADER = [
  "| rows per batch | client | rows/s | MB/s | client CPU µs/row | peak RSS MB | ours/official rows/s | ours/official CPU | ours/official RSS | share of sink ceiling |",
  "|---|---|---|---|---|---|---|---|---|---|",
];

/** Runs every Arrow scenario for `seconds` each; returns the Markdown table. */
export async function runArrowBench(seconds: number): Promise<string> {
  const rows = [...HEADER];
  const server = await startChild<{ port: number; httpPort: number }>("./bench-server.ts", TSX);
  const target = { endpoint: `http://127.0.0.1:${server.port}`, workspaceUrl: `http://127.0.0.1:${server.httpPort}`, table: TABLE, clientId: "bench", clientSecret: "bench" };
  try {
    for (const batchRows of [1_000, 50_000]) {
      const run = (client: ArrowScenario["client"]) => runArrowScenario({ ...target, client, rows: batchRows, seconds });
      const ceiling = await run("raw");
      const share = (r: ArrowResult) => (r.rowsPerSec && ceiling.rowsPerSec ? `${Math.round((r.rowsPerSec / ceiling.rowsPerSec) * 100)}%` : "—");
      const ours = await run("ours-ipc");
      const oursBatch = await run("ours-batch");
      const official = await run("official");
      const line = (name: string, r: ArrowResult, ratios: string) =>
        r.error
          ? `| ${fmt(batchRows)} | ${name} | unavailable: ${r.error} ||||||||`
          : `| ${fmt(batchRows)} | ${name} | ${fmt(r.rowsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(r.cpuUsPerRow, 3)} | ${fmt(r.peakRssMb)} | ${ratios} | ${share(r)} |`;
      const against = (r: ArrowResult) => `${ratio(r.rowsPerSec, official.rowsPerSec)} | ${ratio(r.cpuUsPerRow, official.cpuUsPerRow)} | ${ratio(r.peakRssMb, official.peakRssMb)}`;
      rows.push(line("zerobus-ts (IPC bytes)", ours, against(ours)));
      rows.push(line("zerobus-ts (RecordBatch)", oursBatch, against(oursBatch)));
      rows.push(line("official 1.3.0", official, "| |"));
      rows.push(line("sink ceiling (pre-framed FlightData)", ceiling, "| |"));
      console.log(rows.slice(-4).join("\n"));
    }
  } finally {
    server.stop();
  }
  rows.push(...(await localDurableRows()));
  const table = rows.join("\n");
  console.log(`\n${table}`);
  return table;
}

/** Our Arrow stream (and the official one, for comparison) into the local service: rows/s acknowledged, i.e. committed to the Delta table. */
async function localDurableRows(): Promise<string[]> {
  const local = await startChild<{ endpoint: string; workspaceUrl: string; clientId: string; clientSecret: string }>("./arrow-local-service.ts", FROM_SOURCE);
  try {
    const run = (client: ArrowScenario["client"]) => runArrowScenario({ ...local, table: TABLE, client, rows: 50_000, seconds: LOCAL_SECONDS });
    const ours = await run("ours-ipc");
    const official = await run("official");
    const verdict = (ours.rowsPerSec ?? 0) >= LOCAL_TARGET_ROWS_PER_SEC ? "meets" : "below";
    const line = (name: string, r: ArrowResult) =>
      r.error
        ? `| 50,000 | ${name} | unavailable: ${r.error} ||||||||`
        : `| 50,000 | ${name} | ${fmt(r.rowsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(r.cpuUsPerRow, 3)} | ${fmt(r.peakRssMb)} | | | | |`;
    return [line(`zerobus-ts → local service, durable (${verdict} the 2,000,000 rows/s target)`, ours), line("official 1.3.0 → local service, durable", official)];
  } finally {
    local.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runArrowBench(Number(process.env.BENCH_SECONDS ?? 3));
