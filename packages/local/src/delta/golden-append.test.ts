import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { canonicalRow } from "./test-support/golden-tables.js";
import { copyGoldenTable, GOLDEN_DIR, makeTempDir } from "./test-fixtures.js";

/**
 * Appending after foreign commits: copies of Spark-written golden tables (checkpoints, tombstones,
 * deletion vectors, column mapping, V2 and multi-part checkpoints, partitions of every kind) get two
 * appends from DeltaTableWriter — rows copied from the table itself, so they fit its schema — then
 * must read back as before plus the new rows, travel back to the old version, and lint clean.
 */
const SAMPLE = [
  "basic-with-inserts-deletes-checkpoint",
  "dv-partitioned-with-checkpoint",
  "dv-with-columnmapping",
  "table-with-columnmapping-mode-id",
  "v2-checkpoint-parquet",
  "multi-part-checkpoint",
  "data-reader-timestamp_ntz",
  "basic-decimal-table",
  "kernel-timestamp-int96",
  "data-reader-escaped-chars",
  "data-reader-partition-values",
];

const sorted = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((row) => canonicalRow(row as never)).sort();

describe("appending to Spark-written tables", { skip: !existsSync(GOLDEN_DIR) && "no golden tables" }, () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  for (const name of SAMPLE) {
    it(name, async () => {
      const dir = await copyGoldenTable(join(GOLDEN_DIR, name, "delta"), join(root, name));
      const before = await readTable(dir);
      const added = [...before.rows.slice(0, 2), ...before.rows.slice(-1)];
      const writer = await DeltaTableWriter.open(dir, { checkpointInterval: 1, maxDelayMs: 0 });
      const first = await writer.append(added.slice(0, 2), { appId: "golden", version: 1n });
      const second = await writer.append(added.slice(2), { appId: "golden", version: 2n });
      await writer.close();
      assert.equal(writer.lastCheckpointError, undefined);
      assert.deepEqual([first.version, second.version], [before.version + 1, before.version + 2]);

      const after = await readTable(dir);
      assert.deepEqual(sorted(after.rows), sorted([...before.rows, ...added]));
      assert.deepEqual(sorted((await readTable(dir, { version: before.version })).rows), sorted(before.rows));
      const snapshot = await loadSnapshot(dir);
      assert.equal(snapshot.txns.get("golden"), 2n);
      assert.equal(snapshot.checkpointVersion, second.version, "our checkpoint is the one replay starts from");
      assert.deepEqual(await lintDeltaTable(dir), []);
    });
  }
});
