/**
 * The Arrow rows of `npm run bench`: our Arrow stream against the official TypeScript SDK 1.3.0's
 * `createArrowStream` on the bench server's DoPut sink, in batches of 1,000 and 50,000 rows, with the
 * sink's own ceiling (pre-framed FlightData) measured in the same run; then the local service's durable
 * Arrow ingest rate. Each client runs in its own process, `BENCH_TRIALS` times (3), the clients taking
 * turns, and each cell is the median of its trials (peak RSS: the highest): on a 2-core machine one trial's
 * rate moves by up to a third with where the scheduler puts the client and the sink. Returns (and prints)
 * a Markdown table.
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
const TRIALS = Math.max(1, Number(process.env.BENCH_TRIALS ?? 3));

interface ArrowResult {
  rowsPerSec?: number;
  mbPerSec?: number;
  cpuUsPerRow?: number;
  peakRssMb?: number;
  error?: string;
}

const runArrowScenario = (scenario: ArrowScenario): Promise<ArrowResult> =>
  runJsonWorker<ArrowResult>([...TSX, here("./arrow-worker.ts"), JSON.stringify(scenario)], (scenario.seconds + 60) * 1000);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One cell per metric: the median over the trials that produced a result (peak RSS: the highest). */
function summarize(trials: ArrowResult[]): ArrowResult {
  const ok = trials.filter((r) => r.error === undefined);
  if (ok.length === 0) return trials[0] ?? { error: "no trial ran" };
  const of = (key: "rowsPerSec" | "mbPerSec" | "cpuUsPerRow") => median(ok.map((r) => r[key]!));
  return { rowsPerSec: of("rowsPerSec"), mbPerSec: of("mbPerSec"), cpuUsPerRow: of("cpuUsPerRow"), peakRssMb: Math.max(...ok.map((r) => r.peakRssMb!)) };
}

/** Runs each client `TRIALS` times, taking turns; returns each client's summary, in the order given. */
async function trialsOf<C extends string>(clients: readonly C[], run: (client: C) => Promise<ArrowResult>): Promise<ArrowResult[]> {
  const results = clients.map((): ArrowResult[] => []);
  for (let trial = 0; trial < TRIALS; trial++) {
    for (const [i, client] of clients.entries()) results[i]!.push(await run(client));
  }
  return results.map(summarize);
}

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
      const [ceiling, ours, oursBatch, official] = (await trialsOf(["raw", "ours-ipc", "ours-batch", "official"] as const, run)) as [ArrowResult, ArrowResult, ArrowResult, ArrowResult];
      const share = (r: ArrowResult) => (r.rowsPerSec && ceiling.rowsPerSec ? `${Math.round((r.rowsPerSec / ceiling.rowsPerSec) * 100)}%` : "—");
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
    const [ours, official] = (await trialsOf(["ours-ipc", "official"] as const, run)) as [ArrowResult, ArrowResult];
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
