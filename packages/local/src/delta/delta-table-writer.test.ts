import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parquetReadObjects } from "hyparquet";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaError, RowValidationError } from "./delta-error.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { readTable } from "./read-table.js";
import { ALL_TYPES_FIELDS, allTypesRow, makeTempDir, normalizedRow } from "./test-fixtures.js";

function commitLines(text: string): Array<Record<string, any>> {
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

async function readCommit(dir: string, version: number): Promise<Array<Record<string, any>>> {
  return commitLines(await readFile(join(dir, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8"));
}

describe("DeltaTableWriter", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("groups concurrent appends into one commit and reads every type back exactly", async () => {
    const dir = join(root, "all-types");
    await createDeltaTable(dir, { fields: ALL_TYPES_FIELDS, name: "all_types" });
    const writer = await DeltaTableWriter.open(dir, { maxRows: 9, maxDelayMs: 60_000 });
    const rows = Array.from({ length: 9 }, (_, i) => allTypesRow(i));
    const results = await Promise.all([
      writer.append(rows.slice(0, 3), { appId: "stream-a", version: 0n }),
      writer.append(rows.slice(3, 5), { appId: "stream-b", version: 7n }),
      writer.append(rows.slice(5, 6), { appId: "stream-a", version: 1n }),
      writer.append(rows.slice(6, 9), { appId: "stream-c", version: 2n ** 62n }),
    ]);
    await writer.close();
    assert.deepEqual(results.map((r) => r.version), [1, 1, 1, 1]);

    const actions = await readCommit(dir, 1);
    assert.ok("commitInfo" in actions[0]!, "commitInfo comes first");
    assert.equal(actions[0]!.commitInfo.operation, "STREAMING UPDATE");
    assert.equal(actions[0]!.commitInfo.engineInfo, "zerobus-ts-local/0.1.0");
    assert.equal(actions[0]!.commitInfo.isBlindAppend, true);
    const txns = actions.filter((a) => a.txn).map((a) => [a.txn.appId, a.txn.version]);
    assert.deepEqual(txns, [["stream-a", 1], ["stream-b", 7], ["stream-c", 2 ** 62]]);
    const text = await readFile(join(dir, "_delta_log", "00000000000000000001.json"), "utf8");
    assert.match(text, /"version":4611686018427387904/); // exact, not rounded
    const adds = actions.filter((a) => a.add).map((a) => a.add);
    assert.equal(adds.length, 1);
    assert.match(adds[0].path, /^part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/);
    assert.equal(adds[0].dataChange, true);
    const bytes = await readFile(join(dir, adds[0].path));
    assert.equal(adds[0].size, bytes.length);
    const stats = JSON.parse(adds[0].stats);
    assert.equal(stats.numRecords, 9);
    assert.equal(stats.nullCount.name, 3);
    assert.equal(stats.minValues.id, 0);
    assert.equal(stats.maxValues.id, 8);

    const table = await readTable(dir);
    assert.equal(table.version, 1);
    assert.deepEqual(table.rows, rows.map((row) => normalizedRow(ALL_TYPES_FIELDS, row)));

    const independent = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    assert.deepEqual(independent.map((row) => row["id"]), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(await lintDeltaTable(dir), []);
  });

  it("flushes after maxDelayMs and reports the txn versions", async () => {
    const dir = join(root, "timer");
    await createDeltaTable(dir, { fields: parseColumnList("v BIGINT") });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    assert.deepEqual(await writer.append([{ v: 1n }], { appId: "s", version: 5n }), { version: 1 });
    assert.equal(writer.txnVersion("s"), 5n);
    assert.deepEqual(await writer.append([], { appId: "s", version: 6n }), { version: 2 }); // txn only, no file
    assert.equal((await readCommit(dir, 2)).filter((a) => a.add).length, 0);
    await writer.close();
    assert.deepEqual(await lintDeltaTable(dir), []);
    await assert.rejects(writer.append([{ v: 2n }], { appId: "s", version: 6n }), (error: unknown) => error instanceof DeltaError && error.code === "WRITER_CLOSED");
  });

  it("rejects a call with an invalid row and writes nothing of it", async () => {
    const dir = join(root, "invalid");
    await createDeltaTable(dir, { fields: parseColumnList("id INT NOT NULL, s STRUCT<x: INT NOT NULL>") });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    await assert.rejects(writer.append([{ id: 1 }, { s: { x: 1 } }], { appId: "s", version: 0n }), (error: unknown) => {
      assert.ok(error instanceof RowValidationError);
      assert.equal(error.rowIndex, 1);
      assert.equal(error.columnPath, "id");
      return true;
    });
    await assert.rejects(writer.append([{ id: 1, s: {} }], { appId: "s", version: 0n }), (error: unknown) => error instanceof RowValidationError && error.columnPath === "s.x");
    await assert.rejects(writer.append([{ id: 1n }], { appId: "s", version: 0n }), RowValidationError);
    await writer.close();
    const log = await readdir(join(dir, "_delta_log"));
    assert.deepEqual(log, ["00000000000000000000.json"]);
    assert.deepEqual((await readdir(dir)).sort(), ["_delta_log"]);
  });

  it("writes partitioned tables with Hive directories and partition values", async () => {
    const dir = join(root, "partitioned");
    await createDeltaTable(dir, { fields: parseColumnList("region STRING, day DATE, v INT"), partitionColumns: ["region", "day"] });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    const rows = [
      { region: "eu/west", day: 19_000, v: 1 },
      { region: "us", day: 19_001, v: 2 },
      { region: null, day: 19_000, v: 3 },
      { region: "eu/west", day: 19_000, v: 4 },
    ];
    await writer.append(rows, { appId: "s", version: 0n });
    await writer.close();
    const adds = (await readCommit(dir, 1)).filter((a) => a.add).map((a) => a.add);
    assert.equal(adds.length, 3);
    assert.deepEqual(adds[0].partitionValues, { region: "eu/west", day: "2022-01-08" });
    assert.match(adds[0].path, /^region=eu%252Fwest\/day=2022-01-08\/part-/);
    assert.deepEqual(adds[2].partitionValues, { region: null, day: "2022-01-08" });
    assert.match(adds[2].path, /^region=__HIVE_DEFAULT_PARTITION__\//);
    assert.ok((await readdir(join(dir, "region=eu%2Fwest", "day=2022-01-08"))).length === 1);
    assert.deepEqual(JSON.parse(adds[0].stats).minValues, { v: 1 });
    const table = await readTable(dir);
    const sorted = [...table.rows].sort((a, b) => (a["v"] as number) - (b["v"] as number));
    assert.deepEqual(sorted, rows);
    assert.deepEqual(await lintDeltaTable(dir), []);
  });

  it("appends 100k rows × 3 columns from 100 concurrent callers quickly", async (t) => {
    const dir = join(root, "throughput");
    await createDeltaTable(dir, { fields: parseColumnList("device STRING NOT NULL, reading BIGINT, at TIMESTAMP") });
    const writer = await DeltaTableWriter.open(dir);
    const start = process.hrtime.bigint();
    const calls = Array.from({ length: 100 }, (_, c) =>
      writer.append(
        Array.from({ length: 1000 }, (_, i) => ({ device: `sensor-${c}`, reading: BigInt(i), at: 1_700_000_000_000_000n + BigInt(c * 1000 + i) })),
        { appId: `stream-${c}`, version: 0n },
      ),
    );
    const versions = new Set((await Promise.all(calls)).map((r) => r.version));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await writer.close();
    const rate = Math.round(100_000 / seconds);
    t.diagnostic(`appended 100000 rows x 3 cols in ${(seconds * 1000).toFixed(0)} ms = ${rate} rows/s over ${versions.size} commits`);
    assert.equal(versions.size, 2); // maxRows 50 000 → two flushes
    assert.equal((await readTable(dir)).rows.length, 100_000);
  });

  it("refuses to create a table twice", async () => {
    const dir = join(root, "twice");
    await createDeltaTable(dir, { fields: parseColumnList("v INT") });
    await assert.rejects(createDeltaTable(dir, { fields: parseColumnList("v INT") }), (error: unknown) => error instanceof DeltaError && error.code === "TABLE_EXISTS");
  });
});
