/**
 * Arrow columns split by partition and nested Arrow columns are written as the record path writes the
 * same rows: the same partition directories and partitionValues, the same statistics, the same values
 * read back; and a selection of rows (a range or gathered indices) keeps every value and null.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { parseColumnList } from "../schema/parse-sql-type.js";
import type { Row } from "../schema/delta-type.js";
import { buildArrowData } from "./arrow-builders.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { MAX_PARTITIONS_PER_BATCH, PartitionLimitError, splitByPartition } from "./partition-column-batch.js";
import { readTable } from "./read-table.js";
import { selectColumnRows } from "./select-column-rows.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList(
  "id BIGINT NOT NULL, day DATE, region STRING, ok BOOLEAN, price DECIMAL(10,2), tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, info STRUCT<a: INT, b: STRING, inner: STRUCT<c: DOUBLE>>, at TIMESTAMP",
);
const PARTITIONS = ["day", "region", "ok", "price"];

/** Row i: interleaved partitions (day cycles through 3 values and NULL), nulls at every nesting level. */
function row(i: number): Row {
  return {
    id: BigInt(i),
    day: i % 4 === 3 ? null : 19_000 + (i % 4),
    region: i % 10 < 5 ? "eu/west" : "us",
    ok: i % 20 < 10,
    price: 1234n,
    tags: i % 6 === 0 ? null : i % 6 === 1 ? [] : [`t${i}`, i % 6 === 2 ? null : "x"],
    attrs: i % 5 === 0 ? null : [["k", BigInt(i)], ["n", i % 5 === 1 ? null : -1n]],
    info: i % 7 === 0 ? null : { a: i % 7 === 1 ? null : i, b: `b${i}`, inner: i % 7 === 2 ? null : { c: i / 4 } },
    at: BigInt(i) * 1_000_001n,
  };
}

const columnsOf = (rows: Row[]) => ({ numRows: rows.length, columns: FIELDS.map((f) => buildArrowData(f.type, rows.map((r) => r[f.name]))) });
const byId = (rows: readonly Row[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

describe("Arrow columns by partition, nested columns", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("selectColumnRows keeps values and nulls of every kind, for a range and for gathered rows", () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i));
    FIELDS.forEach((field) => {
      const data = buildArrowData(field.type, rows.map((r) => r[field.name]));
      const read = (d: arrow.Data) => JSON.stringify(arrow.makeVector(d).toArray(), (_, v) => (typeof v === "bigint" ? `${v}n` : v));
      const expected = (ids: number[]) => JSON.stringify(arrow.makeVector(buildArrowData(field.type, ids.map((i) => rows[i]![field.name]))).toArray(), (_, v) => (typeof v === "bigint" ? `${v}n` : v));
      assert.equal(read(selectColumnRows(data, { start: 13, end: 41 })), expected(Array.from({ length: 28 }, (_, i) => 13 + i)), `${field.name} range`);
      const picks = [49, 0, 3, 3, 17, 22, 8, 9, 10, 31];
      assert.equal(read(selectColumnRows(data, Int32Array.from(picks))), expected(picks), `${field.name} gather`);
    });
  });

  it("splits interleaved and sorted batches into one piece per partition, written as the record path writes the same rows", async () => {
    const rows = Array.from({ length: 400 }, (_, i) => row(i));
    const sorted = [...rows].sort((a, b) => String(a.day).localeCompare(String(b.day)) || String(a.region).localeCompare(String(b.region)) || Number(a.ok) - Number(b.ok));
    const dirs = { records: join(root, "records"), columns: join(root, "columns") };
    for (const dir of Object.values(dirs)) await createDeltaTable(dir, { fields: FIELDS, partitionColumns: PARTITIONS });
    const pieces = splitByPartition(FIELDS, PARTITIONS, columnsOf(rows));
    // day: 4 values (one NULL) × region 2 × ok 2 = 16 partitions, whatever the batch's order.
    assert.equal(pieces.length, 16);
    assert.equal(splitByPartition(FIELDS, PARTITIONS, columnsOf(sorted)).length, 16);

    const records = await DeltaTableWriter.open(dirs.records, { maxDelayMs: 60_000 });
    const columns = await DeltaTableWriter.open(dirs.columns, { maxDelayMs: 60_000 });
    const appends = [records.append(rows, { appId: "r", version: 0n }), columns.appendArrowColumns(pieces, { appId: "c", version: 0n })];
    await Promise.all([records.close(), columns.close()]);
    await Promise.all(appends);

    const fileFacts = async (dir: string) =>
      (await loadSnapshot(dir)).files
        .map((f) => ({ dir: f.path.slice(0, f.path.lastIndexOf("/")), partitionValues: f.partitionValues, stats: JSON.parse(f.stats as string) as unknown }))
        .sort((a, b) => a.dir.localeCompare(b.dir));
    const fromRecords = await fileFacts(dirs.records);
    assert.deepEqual(await fileFacts(dirs.columns), fromRecords);
    assert.ok(fromRecords.some((f) => decodeURIComponent(f.dir) === "day=__HIVE_DEFAULT_PARTITION__/region=eu%2Fwest/ok=true/price=12.34" && f.partitionValues["day"] === null), JSON.stringify(fromRecords.map((f) => f.dir)));
    assert.deepEqual(byId((await readTable(dirs.columns)).rows), rows);
    assert.deepEqual(await lintDeltaTable(dirs.columns), []);
  });

  it("refuses a batch of more partitions than the bound, and unsplit columns for a partitioned table", async () => {
    const fields = parseColumnList("id BIGINT, k INT");
    const many = { numRows: MAX_PARTITIONS_PER_BATCH + 1, columns: [buildArrowData(fields[0]!.type, []), buildArrowData(fields[1]!.type, Array.from({ length: MAX_PARTITIONS_PER_BATCH + 1 }, (_, i) => i))] };
    many.columns[0] = buildArrowData(fields[0]!.type, Array.from({ length: MAX_PARTITIONS_PER_BATCH + 1 }, (_, i) => BigInt(i)));
    assert.throws(() => splitByPartition(fields, ["k"], many), PartitionLimitError);
    const dir = join(root, "unsplit");
    await createDeltaTable(dir, { fields, partitionColumns: ["k"] });
    const writer = await DeltaTableWriter.open(dir);
    await assert.rejects(writer.appendArrowColumns(many, { appId: "c", version: 0n }), /must be split by partition/);
    await writer.close();
  });
});
