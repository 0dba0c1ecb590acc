import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { createParquetEncoder, parseParquetCodec } from "./parquet-encoder.js";
import { readDataFileRows } from "./read-data-file.js";
import { ALL_TYPES_FIELDS, allTypesRow, normalizedRow } from "./test-fixtures.js";

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe("createParquetEncoder", () => {
  const rows = Array.from({ length: 9 }, (_, i) => allTypesRow(i));
  const bytes = createParquetEncoder().encode(ALL_TYPES_FIELDS, rows);

  it("round-trips every type exactly through parquet-wasm", () => {
    const back = readDataFileRows(bytes, { fields: ALL_TYPES_FIELDS, mode: "none", partitionValues: {}, deletedRows: [], where: "test" });
    assert.deepEqual(back, rows.map((row) => normalizedRow(ALL_TYPES_FIELDS, row)));
  });

  it("writes Delta's Parquet types, readable by hyparquet", async () => {
    const metadata = parquetMetadata(toArrayBuffer(bytes));
    const byName = new Map(metadata.schema.map((element) => [element.name, element]));
    assert.equal(byName.get("b")!.type, "INT32");
    assert.deepEqual(byName.get("b")!.logical_type, { type: "INTEGER", bitWidth: 8, isSigned: true });
    assert.equal(byName.get("l")!.type, "INT64");
    assert.deepEqual(byName.get("ts")!.logical_type, { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" });
    assert.deepEqual(byName.get("ntz")!.logical_type, { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" });
    assert.deepEqual(byName.get("day")!.logical_type, { type: "DATE" });
    assert.deepEqual(byName.get("amount")!.logical_type, { type: "DECIMAL", precision: 38, scale: 6 });
    assert.equal(byName.get("amount")!.type, "FIXED_LEN_BYTE_ARRAY");
    assert.deepEqual(byName.get("name")!.logical_type, { type: "STRING" });
    assert.equal(byName.get("bin")!.logical_type, undefined);
    assert.deepEqual(byName.get("tags")!.logical_type, { type: "LIST" });
    assert.equal(byName.get("element")!.repetition_type, "OPTIONAL"); // 3-level list
    assert.deepEqual(byName.get("attrs")!.logical_type, { type: "MAP" });
    assert.equal(byName.get("id")!.repetition_type, "REQUIRED");
    const codecs = metadata.row_groups[0]!.columns.map((column) => column.meta_data!.codec);
    assert.ok(codecs.every((codec) => codec === "SNAPPY"));
    const encodings = metadata.row_groups[0]!.columns.flatMap((column) => column.meta_data!.encodings);
    assert.ok(!encodings.includes("DELTA_BINARY_PACKED")); // DataPageV1 defaults

    const objects = await parquetReadObjects({
      file: toArrayBuffer(bytes),
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
      utf8: false, // keep un-annotated BYTE_ARRAY (binary) as bytes; STRING columns still decode
    });
    assert.equal(objects.length, rows.length);
    const first = objects[0]!;
    assert.equal(first["id"], 0);
    assert.equal(first["l"], 9_007_199_254_740_993n);
    assert.equal(first["ts"], 1_700_000_000_123_456n);
    assert.equal(first["ntz"], -1_000_001n);
    assert.equal(first["name"], "name-0-ünïcødé-😀");
    assert.deepEqual(first["bin"], Uint8Array.from([0, 0, 255]));
    assert.equal(first["small"], 123.45);
    assert.deepEqual(first["tags"], ["a", "b"]);
    assert.deepEqual(first["attrs"], { k: 0n, "null-valued": null });
    assert.deepEqual(first["nested"], { x: 0, items: [{ z: "z0" }, { z: null }], grid: [[1, 2], [], [0]] });
    assert.equal(objects[2]!["name"] ?? null, null); // hyparquet reports nulls as undefined
    assert.equal(objects[2]!["nested"] ?? null, null);
  });

  it("honours the codec", () => {
    const zstd = createParquetEncoder({ codec: parseParquetCodec("ZSTD") });
    assert.equal(zstd.codecSuffix, "zstd");
    const metadata = parquetMetadata(toArrayBuffer(zstd.encode(ALL_TYPES_FIELDS, rows)));
    assert.equal(metadata.row_groups[0]!.columns[0]!.meta_data!.codec, "ZSTD");
    assert.equal(parseParquetCodec(undefined), "snappy");
    assert.equal(createParquetEncoder({ codec: "uncompressed" }).codecSuffix, "");
  });

  // Speed is the bench's concern (timed assertions fail on a loaded machine); this checks the output.
  it("encodes 100k rows × 3 columns into one readable file", (t) => {
    const fields = parseColumnList("device STRING NOT NULL, reading BIGINT, at TIMESTAMP");
    const many = Array.from({ length: 100_000 }, (_, i) => ({ device: `sensor-${i % 1000}`, reading: BigInt(i), at: 1_700_000_000_000_000n + BigInt(i) }));
    const encoder = createParquetEncoder();
    encoder.encode(fields, many.slice(0, 1000)); // warm up the wasm module
    const start = process.hrtime.bigint();
    const out = encoder.encode(fields, many);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const rate = Math.round(many.length / seconds);
    t.diagnostic(`encoded 100000 rows x 3 cols in ${(seconds * 1000).toFixed(0)} ms = ${rate} rows/s, ${out.length} bytes`);
    const back = readDataFileRows(out, { fields, mode: "none", partitionValues: {}, deletedRows: [], where: "test" });
    assert.equal(back.length, many.length);
    assert.deepEqual(back[99_999], many[99_999]);
  });
});
