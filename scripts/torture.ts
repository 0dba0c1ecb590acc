/**
 * Replays the hostile-client cases of issue 13 against the local service (in a child process, on
 * loopback only) and prints one table row per case: what was tried, what came back, pass or fail.
 * Bounded (each case has its own deadline) and seeded (the random parts draw from `--seed`).
 *
 *   npm run torture                              # every case
 *   npm run torture -- --only big-batches        # cases whose name contains the text
 *   npm run torture -- --calls 1,12,24           # concurrency of the big-batch cases
 *
 * Exits 1 if any case failed.
 */
import { parseArgs } from "node:util";
import { TORTURE_CASES, type TortureContext, type TortureOutcome } from "./torture/cases.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    only: { type: "string" },
    calls: { type: "string", default: "1,12,24" },
  },
});

const seed = Number(values.seed);
const calls = values.calls.split(",").map(Number);
if (!Number.isSafeInteger(seed) || calls.some((n) => !Number.isSafeInteger(n) || n <= 0 || n > 64)) {
  throw new Error("--seed must be an integer and --calls a list of 1..64");
}
const context: TortureContext = { seed, bigBatchCalls: calls, log: (line) => console.log(`  ${line}`) };
const rows: Array<{ name: string } & TortureOutcome> = [];
for (const torture of TORTURE_CASES) {
  if (values.only !== undefined && !torture.name.includes(values.only)) continue;
  console.log(`case: ${torture.name}`);
  const t0 = performance.now();
  let outcomes: TortureOutcome[];
  try {
    outcomes = await torture.run(context);
  } catch (err) {
    outcomes = [{ outcome: `harness error: ${(err as Error).message}`, pass: false }];
  }
  for (const outcome of outcomes) {
    rows.push({ name: outcome.name ?? torture.name, ...outcome });
    console.log(`  → ${outcome.pass ? "pass" : "FAIL"}: ${outcome.outcome}`);
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

console.log(`\ntorture, seed ${seed}, ${new Date().toISOString()}:\n`);
console.log("| case | outcome | result |\n|---|---|---|");
for (const row of rows) console.log(`| ${row.name} | ${row.outcome} | ${row.pass ? "pass" : "**FAIL**"} |`);
process.exit(rows.every((row) => row.pass) ? 0 : 1);
