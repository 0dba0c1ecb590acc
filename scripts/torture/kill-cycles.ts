/**
 * Issue 13 §6: 20 `kill -9` cycles of the service during ingest on one directory. Pass: after every
 * restart no temp file or unreferenced Parquet file older than the restart remains, and every acked
 * row is in the table.
 */
import { readTable } from "@zerobus-ts/local";
import { makeTempDir, tableDir } from "../../packages/local/src/e2e/support/e2e-harness.js";
import { runKillCycles, TABLE } from "../../packages/local/src/e2e/support/kill-cycles.js";
import type { TortureCase } from "./cases.js";

const CYCLES = 20;

/** The case of this file. */
export function killCycleCases(): TortureCase[] {
  return [
    {
      name: "sigkill-leftovers",
      async run() {
        const temp = await makeTempDir();
        try {
          const dir = tableDir(temp.dir, TABLE);
          const t0 = performance.now();
          const { acked, removedSeen } = await runKillCycles(temp.dir, dir, CYCLES);
          const present = new Set((await readTable(dir)).rows.map((r) => Number(r.id)));
          const missing = acked.filter((id) => !present.has(id)).length;
          const outcome = `${CYCLES} kill -9 cycles in ${((performance.now() - t0) / 1000).toFixed(0)} s: no leftover older than a restart; ${removedSeen} leftover file(s) removed; ${acked.length} acked rows, ${missing} missing`;
          return [{ name: `${CYCLES} × kill -9 during ingest`, outcome, pass: missing === 0 }];
        } catch (err) {
          return [{ name: `${CYCLES} × kill -9 during ingest`, outcome: `failed: ${(err as Error).message.slice(0, 200)}`, pass: false }];
        } finally {
          await temp.remove();
        }
      },
    },
  ];
}
