/**
 * Leftovers of `kill -9`: the service is killed mid-ingest again and again on one directory. Each start
 * must remove the temp files and unreferenced Parquet files the killed runs left (and only those): right
 * after every restart no such file older than the restart remains, every acked row is still there, and
 * files the service did not write survive. (`npm run torture` runs the same with 20 cycles.)
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { makeTempDir, startService, tableDir } from "./support/e2e-harness.js";
import { leftovers, runKillCycles, TABLE } from "./support/kill-cycles.js";

/** Ten cycles keep the file well inside the runner's 120 s on a loaded 2-core machine. */
const CYCLES = 10;

describe("SIGKILL leftovers", () => {
  it(`are removed at every restart (${CYCLES} kill -9 cycles); acked rows and foreign files stay`, async (t) => {
    const temp = await makeTempDir();
    const dir = tableDir(temp.dir, TABLE);
    try {
      const { acked, removedSeen } = await runKillCycles(temp.dir, dir, CYCLES);
      t.diagnostic(`${removedSeen} leftover file(s) from the kills were removed at the restarts`);
      // Files the service did not write, and one it did (planted, as old as a killed run's), then a restart.
      const log = join(dir, "_delta_log");
      const foreign = [join(dir, `part-00001-${randomUUID()}-c000.snappy.parquet`), join(dir, "notes.parquet"), join(log, ".tmp-notes.json")];
      const ours = [join(dir, `part-00000-${randomUUID()}-c000.snappy.parquet`), join(log, `.tmp-${randomUUID()}.json`)];
      const past = new Date(Date.now() - 60_000);
      for (const path of [...foreign, ...ours]) {
        await writeFile(path, "x");
        await utimes(path, past, past);
      }
      const restartAt = Date.now();
      const service = await startService(temp.dir);
      await service.close();
      // What remains is exactly the foreign files (two of them look like leftovers to the check above).
      assert.deepEqual((await leftovers(dir, restartAt)).sort(), [...foreign].sort());
      for (const path of foreign) assert.ok((await stat(path)).isFile(), `${path} was not the service's to remove`);
      const present = new Set((await readTable(dir)).rows.map((r) => Number(r.id)));
      assert.deepEqual(acked.filter((id) => !present.has(id)), [], "every acked row is in the table");
    } finally {
      await temp.remove();
    }
  });
});
