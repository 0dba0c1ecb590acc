/**
 * The randomized fault soak with a large budget: numbered records streamed into the local service's Delta
 * table through a fault proxy while seeded faults are injected (connection cuts at random byte points,
 * server-side drops, CloseStreamSignal rotations, refused reconnect attempts, stalled and delayed acks,
 * non-retriable failures followed by recreateStream). At the end the table is read back and every record
 * is accounted for. Exits 1 if any record was lost (or stored twice without having been in flight at a fault).
 *
 *   npm run soak                                   # seed 1, 200,000 records, 200 faults
 *   npm run soak -- --seed 7 --records 1000000 --faults 500
 *   npm run soak -- --seeds 1-5                    # several seeds, one after the other
 */
import { parseArgs } from "node:util";
import { runSoak } from "../packages/sdk/src/test-support/soak-runner.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    seeds: { type: "string" },
    records: { type: "string", default: "200000" },
    faults: { type: "string", default: "200" },
  },
});

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${text}'`);
  return n;
}

function seedList(): number[] {
  if (values.seeds === undefined) return [positiveInt("seed", values.seed)];
  const [from, to = from] = values.seeds.split("-");
  const first = positiveInt("seeds", from!);
  const last = positiveInt("seeds", to);
  if (last < first || last - first > 1000) throw new Error(`--seeds must be a range like 1-5, got '${values.seeds}'`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

const records = positiveInt("records", values.records);
const faults = positiveInt("faults", values.faults);
let failed = false;
for (const seed of seedList()) {
  console.log(`soak: seed ${seed}, ${records.toLocaleString()} records, ${faults} faults`);
  const result = await runSoak({ seed, records, faults, log: (line) => console.log(line) });
  const r = result.report;
  const kinds = Object.entries(result.faultsByKind).sort().map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(`  faults injected:     ${result.faultsInjected} (${kinds})`);
  console.log(`  proxy cuts fired:    ${result.proxyCuts}`);
  console.log(`  reconnect attempts:  ${result.reconnectAttempts}`);
  console.log(`  fatal failures:      ${result.recreated} streams failed for good and were recreated; ${result.returnedAndResent} records rejected, returned by getUnacked* and resent`);
  console.log(`  records:             ${r.records.toLocaleString()} handed over; in the end ${r.acked.toLocaleString()} acknowledged and in the table, ${r.rejectedAndReturned} rejected and returned`);
  console.log(`  lost:                ${r.lost}`);
  console.log(`  duplicates:          ${r.duplicates.toLocaleString()} extra rows (all of records in flight at a fault; unexplained: ${r.unexplainedDuplicates}), phantoms: ${r.phantoms}`);
  console.log(`  time:                ${result.seconds.toFixed(1)} s`);
  for (const problem of r.problems) console.log(`  PROBLEM: ${problem}`);
  if (r.lost > 0 || r.unexplainedDuplicates > 0 || r.phantoms > 0 || r.problems.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
