import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parquetMetadata } from "hyparquet";
import type { DeltaField, DeltaType, Row } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { buildArrowData } from "./arrow-builders.js";
import { splitByPartition } from "./partition-column-batch.js";
import { toSparkSchemaJson } from "../schema/spark-schema.js";
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY, toPhysicalFields, toPhysicalRow, type ColumnMappingMode } from "./column-mapping.js";
import { commitVersion } from "./commit-version.js";
import { DeltaError } from "./delta-error.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { createParquetEncoder } from "./parquet-encoder.js";
import { makeTempDir } from "./test-fixtures.js";

const LOGICAL = parseColumnList("id BIGINT NOT NULL, name STRING, info STRUCT<city: STRING, tags: ARRAY<STRUCT<k: STRING>>>, part INT");

/** Gives every field, at any depth, a column-mapping id and a `col-<uuid>` physical name, as Spark does. */
function withColumnMapping(fields: readonly DeltaField[], next = { id: 1 }): DeltaField[] {
  return fields.map((field) => ({
    ...field,
    metadata: { [COLUMN_ID_KEY]: next.id++, [PHYSICAL_NAME_KEY]: `col-${randomUUID()}` },
    type: mapType(field.type, next),
  }));
}

function mapType(type: DeltaType, next: { id: number }): DeltaType {
  if (type.kind === "struct") return { ...type, fields: withColumnMapping(type.fields, next) };
  if (type.kind === "array") return { ...type, elementType: mapType(type.elementType, next) };
  if (type.kind === "map") return { ...type, keyType: mapType(type.keyType, next), valueType: mapType(type.valueType, next) };
  return type;
}

/** Version 0 of a column-mapped table, as Spark would write it (protocol 3/7 with columnMapping). */
async function createMappedTable(dir: string, mode: ColumnMappingMode, fields: DeltaField[]): Promise<void> {
  await mkdir(join(dir, "_delta_log"), { recursive: true });
  await commitVersion(dir, 0, [
    { commitInfo: { operation: "CREATE TABLE" } },
    { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["columnMapping"], writerFeatures: ["columnMapping"] } },
    {
      metaData: {
        id: randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: toSparkSchemaJson(fields),
        partitionColumns: ["part"],
        configuration: { "delta.columnMapping.mode": mode, "delta.columnMapping.maxColumnId": "6" },
      },
    },
  ]);
}

const rows = [
  { id: 1n, name: "a", info: { city: "Oslo", tags: [{ k: "x" }, { k: null }] }, part: 7 },
  { id: 2n, name: null, info: null, part: 7 },
  { id: 3n, name: "c", info: { city: null, tags: [] }, part: null },
];

describe("column mapping", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("renames fields and rows to physical names at every depth", () => {
    const fields = withColumnMapping(LOGICAL);
    const physical = toPhysicalFields(fields, "name");
    const info = fields[2]!;
    const row = toPhysicalRow(fields, rows[0]!, "name");
    assert.deepEqual(Object.keys(row), physical.map((field) => field.name));
    const nested = row[info.metadata[PHYSICAL_NAME_KEY] as string] as Record<string, unknown>;
    assert.equal(Object.keys(nested).length, 2);
    assert.ok(Object.keys(nested).every((key) => key.startsWith("col-")));
    assert.equal(toPhysicalRow(LOGICAL, rows[0]!, "none"), rows[0]);
  });

  for (const [mode, via] of [["name", "rows"], ["id", "rows"], ["name", "Arrow columns"], ["id", "Arrow columns"]] as const) {
    it(`appends ${via} to a ${mode}-mapped table with physical names and field ids, and reads logical rows back`, async () => {
      const dir = join(root, `${mode}-${via}`);
      const fields = withColumnMapping(LOGICAL);
      await createMappedTable(dir, mode, fields);
      const writer = await DeltaTableWriter.open(dir, { checkpointInterval: 1 });
      if (via === "rows") await writer.append(rows, { appId: "s", version: 0n });
      else {
        const batch = { numRows: rows.length, columns: fields.map((field) => buildArrowData(field.type, rows.map((row) => (row as Row)[field.name]))) };
        await writer.appendArrowColumns(splitByPartition(fields, writer.partitionColumns, batch), { appId: "s", version: 0n });
      }
      await writer.close();
      assert.deepEqual((await readTable(dir)).rows, rows);
      assert.deepEqual(await lintDeltaTable(dir), []);

      const snapshot = await loadSnapshot(dir);
      const partName = fields[3]!.metadata[PHYSICAL_NAME_KEY] as string;
      for (const add of snapshot.files) {
        assert.deepEqual(Object.keys(add.partitionValues), [partName]);
        assert.ok(add.path.startsWith(`${partName}=`), add.path);
        const stats = JSON.parse(add.stats!) as { nullCount: Record<string, unknown> };
        assert.ok(Object.keys(stats.nullCount).every((key) => key.startsWith("col-")), add.stats!);
        // An independent Parquet reader sees physical names and the column ids as field ids.
        const bytes = await readFile(join(dir, decodeURIComponent(add.path)));
        const schema = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).schema;
        const idField = schema.find((element) => element.name === fields[0]!.metadata[PHYSICAL_NAME_KEY])!;
        assert.equal(idField.field_id, 1);
        assert.ok(!schema.some((element) => element.name === partName), "partition column stored in the file");
        assert.ok(!schema.some((element) => ["id", "name", "info", "city"].includes(element.name)), "a logical name in the file");
      }
    });
  }

  it("reads id-mapped files by field id even when physical names differ, and refuses files without ids", async () => {
    const dir = join(root, "id-renamed");
    const fields = withColumnMapping(parseColumnList("n BIGINT"));
    await createMappedTable(dir, "id", [...fields, { name: "part", type: { kind: "primitive", name: "integer" }, nullable: true, metadata: { [COLUMN_ID_KEY]: 9, [PHYSICAL_NAME_KEY]: "p9" } }]);
    const encoder = createParquetEncoder();
    const byId = encoder.encode([{ ...fields[0]!, name: "some-other-name" }], [{ "some-other-name": 5n }]);
    const noIds = encoder.encode([{ ...fields[0]!, name: fields[0]!.metadata[PHYSICAL_NAME_KEY] as string, metadata: {} }], [{ [fields[0]!.metadata[PHYSICAL_NAME_KEY] as string]: 6n }]);
    const add = (path: string, size: number) => ({ add: { path, partitionValues: { p9: "1" }, size, modificationTime: 0, dataChange: true } });
    await writeFile(join(dir, "by-id.parquet"), byId);
    await commitVersion(dir, 1, [add("by-id.parquet", byId.length)]);
    assert.deepEqual((await readTable(dir)).rows, [{ n: 5n, part: 1 }]);
    await writeFile(join(dir, "no-ids.parquet"), noIds);
    await commitVersion(dir, 2, [add("no-ids.parquet", noIds.length)]);
    await assert.rejects(readTable(dir), (error: unknown) => error instanceof DeltaError && error.code === "UNSUPPORTED_FEATURE" && /no Parquet field ids/.test(error.message));
  });

  it("refuses to write a mapped table whose schema lacks physical names", async () => {
    const dir = join(root, "broken");
    await createMappedTable(dir, "name", [...withColumnMapping(parseColumnList("n BIGINT")), { name: "part", type: { kind: "primitive", name: "integer" }, nullable: true, metadata: {} }]);
    await assert.rejects(DeltaTableWriter.open(dir), /Column part has no delta.columnMapping.physicalName/);
  });
});
