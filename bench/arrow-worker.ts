/**
 * One Arrow bench scenario in its own process (so CPU time and peak RSS are this client's alone). Argument:
 * a JSON {@link ArrowScenario}. After a warm-up, ingests the same batch as fast as the API allows for
 * `seconds`, then flushes; the rate counts acknowledged rows. Prints one JSON result line.
 */
import { createArrowClient, type ArrowTarget } from "./arrow-clients.js";
import { airQualityBatch, ipcStreamOf } from "./arrow-records.js";

/** One run: which client, rows per batch, where, how long. */
export interface ArrowScenario extends ArrowTarget {
  client: "ours-ipc" | "ours-batch" | "official" | "raw";
  rows: number;
  seconds: number;
}

const scenario = JSON.parse(process.argv[2]!) as ArrowScenario;
const WARM_UP_MS = 500;

async function main(): Promise<void> {
  const batch = airQualityBatch(scenario.rows);
  const batchBytes = ipcStreamOf(batch).length;
  const client = await createArrowClient(scenario, batch);
  // Half a second of the same load, acknowledged, before the clock starts: lazy loading (apache-arrow,
  // codecs) and V8's compiling of the hot paths are start-up costs, not per-row ones.
  const warm = performance.now() + WARM_UP_MS;
  do await client.ingest();
  while (performance.now() < warm);
  await client.flush();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + scenario.seconds * 1000;
  let batches = 0;
  while (performance.now() < deadline) {
    await client.ingest();
    batches++;
  }
  await client.flush();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  await client.close();
  const rows = batches * scenario.rows;
  console.log(
    JSON.stringify({
      rowsPerSec: (rows / ms) * 1000,
      mbPerSec: (batches * batchBytes) / 1e6 / (ms / 1000),
      cpuUsPerRow: (cpu.user + cpu.system) / rows,
      systemCpuShare: cpu.system / (cpu.user + cpu.system),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

main().catch((err: Error) => {
  console.log(JSON.stringify({ error: err.message.split("\n")[0] }));
  process.exit(0);
});
