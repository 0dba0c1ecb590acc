/**
 * `npm run bench`: our SDK against the official native SDK on a loopback bench server, PROTO and JSON, one
 * record per call and batches of 1,000. Each client runs in its own child process; the bench server runs in
 * another, and its own ceiling (a raw client with pre-encoded requests) is measured in the same run.
 * Then the Arrow rows (arrow-bench.ts). Prints Markdown tables with ratios; `--write` also stores them in
 * bench/RESULTS.md.
 */
import { writeFileSync } from "node:fs";
import { runArrowBench } from "./arrow-bench.js";
import type { Scenario } from "./client-worker.js";
import { benchPath as here, fmt, ratio, runJsonWorker, startReadyChild } from "./child-runs.js";
import { multiStreamRows } from "./multi-stream.js";

// Bench clients load the built SDK (dist/), as users do; tsx only compiles the bench's own files.
const NODE_ARGS = ["--import", "tsx"];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

interface Result {
  recordsPerSec?: number;
  mbPerSec?: number;
  cpuUsPerRecord?: number;
  peakRssMb?: number;
  p50Ms?: number;
  p99Ms?: number;
  error?: string;
}

async function startServer(): Promise<{ endpoint: string; stop(): void }> {
  const server = await startReadyChild<{ port: number }>("./bench-server.ts", NODE_ARGS);
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: server.stop };
}

const runScenario = (scenario: Scenario): Promise<Result> =>
  runJsonWorker<Result>([...NODE_ARGS, here("./client-worker.ts"), JSON.stringify(scenario)], (scenario.seconds + 30) * 1000);

async function main(): Promise<void> {
  const server = await startServer();
  const rows: string[] = [];
  let multi: string[] = [];
  const header =
    "| format | records per call | client | records/s | MB/s | client CPU µs/record | peak RSS MB | ack p50 ms | ack p99 ms | ours/official records/s | ours/official CPU | share of server ceiling |";
  rows.push(header, "|" + "---|".repeat(12));
  try {
    for (const format of ["proto", "json"] as const) {
      const base = { format, endpoint: server.endpoint, seconds: SECONDS, latency: false };
      // The server's own limits: records/s with pre-encoded 1,000-record batches, requests/s with single records.
      const ceiling = await runScenario({ ...base, client: "raw", batch: 1000 });
      const perRequest = await runScenario({ ...base, client: "raw", batch: 1 });
      console.log(`${format}: bench server ceiling ${fmt(ceiling.recordsPerSec)} records/s in batches, ${fmt(perRequest.recordsPerSec)} single-record requests/s`);
      const use = (r: Result) => (r.recordsPerSec && ceiling.recordsPerSec ? `${Math.round((r.recordsPerSec / ceiling.recordsPerSec) * 100)}%` : "—");
      for (const batch of [1, 1000]) {
        const ours = await runScenario({ ...base, batch, client: "ours", latency: true });
        const official = await runScenario({ ...base, batch, client: "official", latency: true });
        const line = (name: string, r: Result, extra: string) =>
          r.error
            ? `| ${format} | ${batch} | ${name} | unavailable: ${r.error} |||||||||`
            : `| ${format} | ${batch} | ${name} | ${fmt(r.recordsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(r.cpuUsPerRecord, 2)} | ${fmt(r.peakRssMb)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${extra} |`;
        rows.push(line("zerobus-ts", ours, `${ratio(ours.recordsPerSec, official.recordsPerSec)} | ${ratio(ours.cpuUsPerRecord, official.cpuUsPerRecord)} | ${use(ours)}`));
        rows.push(line("official 1.3.0", official, `| | ${use(official)}`));
        console.log(rows.slice(-2).join("\n"));
      }
      rows.push(`| ${format} | | bench server ceiling | ${fmt(ceiling.recordsPerSec)} (batches); ${fmt(perRequest.recordsPerSec)} requests/s (singles) |||||||| 100% |`);
    }
    // Issue 15: many streams from one SDK (each ours on its own connection).
    multi = await multiStreamRows(server.endpoint, SECONDS);
  } finally {
    server.stop();
  }
  const table = `${rows.join("\n")}\n\n${multi.join("\n")}`;
  console.log(`\n${table}`);
  const arrowTable = await runArrowBench(SECONDS);
  if (process.argv.includes("--write")) {
    const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
    writeFileSync(here("./RESULTS.md"), `# Bench results (${stamp} UTC, ${SECONDS} s per run)\n\n${table}\n\n## Arrow\n\n${arrowTable}\n`);
  }
}

await main();
