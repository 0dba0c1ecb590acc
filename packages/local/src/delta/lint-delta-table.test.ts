import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { appendFile, cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { commitVersion } from "./commit-version.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable, type LintIssue } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { createParquetEncoder } from "./parquet-encoder.js";
import { listGoldenTables } from "./test-support/golden-tables.js";
import { ALL_TYPES_FIELDS, allTypesRow, GOLDEN_DIR, makeTempDir } from "./test-fixtures.js";

const problems = (issues: readonly LintIssue[]) => issues.map((issue) => `${issue.file}: ${issue.problem}`);

describe("lintDeltaTable", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let clean: string;
  before(async () => {
    ({ dir: root, cleanup } = await makeTempDir());
    // A table as our writer leaves it: partitioned, every type, several commits, checkpoints.
    clean = join(root, "clean");
    const fields = [...ALL_TYPES_FIELDS, ...parseColumnList("region STRING, day_part DATE")];
    await createDeltaTable(clean, { fields, partitionColumns: ["region", "day_part"], configuration: { "delta.checkpointInterval": "2" } });
    const writer = await DeltaTableWriter.open(clean, { maxDelayMs: 0 });
    for (let batch = 0; batch < 5; batch++) {
      const rows = Array.from({ length: 6 }, (_, i) => ({ ...allTypesRow(batch * 6 + i), region: i % 3 === 0 ? null : `r/${i % 2}%`, day_part: 19_000 + (i % 2) }));
      await writer.append(rows, { appId: "stream", version: BigInt(batch) });
    }
    await writer.close();
  });
  after(() => cleanup());

  it("finds nothing wrong with tables our writer wrote, checkpoints included", async () => {
    assert.ok((await readdir(join(clean, "_delta_log"))).includes("00000000000000000004.checkpoint.parquet"));
    assert.deepEqual(problems(await lintDeltaTable(clean)), []);
  });

  it("finds nothing wrong with the Spark-written golden tables that have expected rows", { skip: !existsSync(GOLDEN_DIR) }, async () => {
    for (const table of listGoldenTables().filter((t) => t.expectedDir !== null && t.name !== "corrupted-last-checkpoint-kernel")) {
      assert.deepEqual(problems(await lintDeltaTable(table.dir)), [], table.name);
    }
  });

  const damaged = async (name: string, damage: (dir: string) => Promise<void>): Promise<string[]> => {
    const dir = join(root, name);
    await cp(clean, dir, { recursive: true });
    await damage(dir);
    return problems(await lintDeltaTable(dir));
  };
  const firstAddPath = async (dir: string) => (await loadSnapshot(dir)).files[0]!.path;

  it("reports a data file whose size differs from the log, or that is missing", async () => {
    const grown = await damaged("size", async (dir) => appendFile(join(dir, decodeURIComponent(await firstAddPath(dir))), "x"));
    assert.ok(grown.some((p) => /its size is \d+ bytes, the log says/.test(p)), grown.join("\n"));
  });

  it("reports gaps, bad names, temp files, bad actions, duplicate actions and v0 without metaData", async () => {
    const found = await damaged("log", async (dir) => {
      const log = join(dir, "_delta_log");
      await commitVersion(dir, 6, [{ commitInfo: {} }]);
      await commitVersion(dir, 8, [{ txn: { appId: "a", version: 1n } }, { txn: { appId: "a", version: 2n } }]);
      await writeFile(join(log, "7.json"), "{}");
      await writeFile(join(log, ".tmp-leftover.json"), "{}");
      await appendFile(join(log, "00000000000000000006.json"), '\n{"add":{"path":"x","size":-1}}\n{"unknownAction":{}}\nnot json\n');
      const v0 = join(log, "00000000000000000000.json");
      await writeFile(v0, (await readFile(v0, "utf8")).split("\n").filter((line) => !line.includes('"metaData"')).join("\n"));
    });
    const expected = [
      /00000000000000000008.json: version 7 is missing before it/,
      /7.json: the version in the name is not 20 digits/,
      /\.tmp-leftover.json: a temp file was left behind/,
      /00000000000000000006.json:3: add.partitionValues is missing/,
      /00000000000000000006.json:3: add.size is invalid/,
      /unknown action "unknownAction"/,
      /00000000000000000006.json:5: .*not JSON/,
      /00000000000000000008.json: 2 actions of txn a in one commit/,
      /00000000000000000000.json: version 0 must hold protocol and metaData/,
    ];
    for (const pattern of expected) assert.ok(found.some((p) => pattern.test(p)), `${pattern} not in:\n${found.join("\n")}`);
  });

  it("reports partition columns stored in files, unknown file columns, stats keys and row counts that disagree", async () => {
    const found = await damaged("files", async (dir) => {
      const fields = parseColumnList("id INT, region STRING, stray STRING");
      const bytes = createParquetEncoder().encode(fields, [{ id: 1, region: "r", stray: "s" }]);
      await writeFile(join(dir, "bad.parquet"), bytes);
      const stats = JSON.stringify({ numRecords: 2, minValues: { nope: 1, nested: { x: 1 } }, nullCount: { id: 0 } });
      await commitVersion(dir, 6, [{ add: { path: "bad.parquet", partitionValues: { region: "r" }, size: bytes.length, modificationTime: 0, dataChange: true, stats } }]);
    });
    const expected = [
      /add bad.parquet: partitionValues keys region are not the partition columns region,day_part/,
      /stats.minValues.nope is not a data column/,
      /data file bad.parquet: stores the partition column region/,
      /data file bad.parquet: stores stray, which is not a column of the table/,
      /data file bad.parquet: holds 1 rows, stats.numRecords says 2/,
    ];
    for (const pattern of expected) assert.ok(found.some((p) => pattern.test(p)), `${pattern} not in:\n${found.join("\n")}`);
  });

  it("reports a path that is not URI-encoded and a _last_checkpoint that disagrees with its checkpoint", async () => {
    const found = await damaged("paths", async (dir) => {
      const log = join(dir, "_delta_log");
      const last = JSON.parse(await readFile(join(log, "_last_checkpoint"), "utf8")) as Record<string, number>;
      await writeFile(join(log, "_last_checkpoint"), JSON.stringify({ ...last, size: last["size"]! + 1, numOfAddFiles: 0 }));
      await writeFile(join(dir, "a b.parquet"), "");
      await commitVersion(dir, 6, [{ add: { path: "a b.parquet", partitionValues: { region: null, day_part: null }, size: 0, modificationTime: 0, dataChange: true } }]);
    });
    for (const pattern of [/add a b.parquet: the path is not URI-encoded/, /_last_checkpoint: size \d+ is not the checkpoint's \d+ rows/, /numOfAddFiles 0 is not/]) {
      assert.ok(found.some((p) => pattern.test(p)), `${pattern} not in:\n${found.join("\n")}`);
    }
  });
});
