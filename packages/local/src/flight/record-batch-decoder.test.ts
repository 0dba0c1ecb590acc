import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { compress as lz4Compress } from "lz4js";
import { computeColumnStats } from "../delta/column-stats.js";
import { computeStats } from "../delta/compute-stats.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { checkArrowSchema } from "./arrow-schema-check.js";
import { decompressBuffer } from "./body-codecs.js";
import { readIpcMessage } from "./ipc-message.js";
import { decodeRecordBatch, InvalidBatchError, type RecordBatchHeader } from "./record-batch-decoder.js";
import { ipcFrames } from "./test-support/raw-flight-client.js";

/** The first batch of `table` as the decoder sees it, with the plans for `columns`. */
function firstBatch(table: arrow.Table, columns: string) {
  const frames = ipcFrames(table);
  const schema = readIpcMessage(frames.schema);
  const batch = readIpcMessage(frames.batches[0]!.header);
  assert.ok(schema.kind === "schema" && batch.kind === "record-batch");
  return { header: batch.header, body: frames.batches[0]!.body, plans: checkArrowSchema(schema.schema, parseColumnList(columns)) };
}

const values = (data: arrow.Data) => [...new arrow.Vector([data])];

describe("decodeRecordBatch", () => {
  it("keeps values and nulls of every planned kind; LargeUtf8 offsets become 32-bit; decimal text becomes Decimal128", () => {
    const table = new arrow.Table({
      name: arrow.vectorFromArray(["a", null, "ünï"], new arrow.LargeUtf8()),
      n: arrow.vectorFromArray([1, 2, null], new arrow.Int32()),
      big: arrow.vectorFromArray([1n, -(2n ** 62n), 3n], new arrow.Int64()),
      ok: arrow.vectorFromArray([true, null, false], new arrow.Bool()),
      price: arrow.vectorFromArray(["1.5", "-20.25", null], new arrow.Utf8()),
    });
    const { header, body, plans } = firstBatch(table, "name STRING, n INT, big BIGINT, ok BOOLEAN, price DECIMAL(6,2)");
    const batch = decodeRecordBatch(header, body, plans);
    assert.equal(batch.numRows, 3);
    assert.ok(batch.columns[0]!.valueOffsets instanceof Int32Array);
    assert.deepEqual(values(batch.columns[0]!), ["a", null, "ünï"]);
    assert.deepEqual(values(batch.columns[1]!), [1, 2, null]);
    assert.deepEqual(values(batch.columns[2]!), [1n, -(2n ** 62n), 3n]);
    assert.deepEqual(values(batch.columns[3]!), [true, null, false]);
    assert.equal(batch.columns[4]!.nullCount, 1);
    assert.deepEqual([...(batch.columns[4]!.values as Uint32Array).subarray(0, 8)], [150, 0, 0, 0, 2 ** 32 - 2025, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]);
  });

  it("refuses nulls in a NOT NULL column, decimals that do not fit, bad UTF-8 and buffers outside the body", () => {
    const nulls = firstBatch(new arrow.Table({ id: arrow.vectorFromArray([1n, null], new arrow.Int64()) }), "id BIGINT");
    assert.throws(() => decodeRecordBatch(nulls.header, nulls.body, [{ ...nulls.plans[0]!, field: { ...nulls.plans[0]!.field, nullable: false } }]), /column 'id' is NOT NULL but 1 value\(s\) are null/);
    const wide = firstBatch(new arrow.Table({ p: arrow.vectorFromArray(["12345.6"], new arrow.Utf8()) }), "p DECIMAL(4,1)");
    assert.throws(() => decodeRecordBatch(wide.header, wide.body, wide.plans), /column 'p', row 0: .*more than 4 digit/);
    const text = firstBatch(new arrow.Table({ s: arrow.vectorFromArray(["ab"], new arrow.Utf8()) }), "s STRING");
    const badBody = Uint8Array.from(text.body);
    badBody[text.header.buffers[2]!.offset] = 0xff;
    assert.throws(() => decodeRecordBatch(text.header, badBody, text.plans), /not UTF-8/);
    const outside: RecordBatchHeader = { ...text.header, buffers: text.header.buffers.map((b, i) => (i === 2 ? { offset: b.offset, length: 1 << 20 } : b)) };
    assert.throws(() => decodeRecordBatch(outside, text.body, text.plans), (err) => err instanceof InvalidBatchError && /outside the/.test(err.message));
  });

  it("decodes LZ4-frame buffers and the uncompressed (-1) form, and checks the declared length", () => {
    const raw = Buffer.from("the quick brown fox jumps over the lazy dog ".repeat(50));
    const prefixed = (length: bigint, payload: Uint8Array) => {
      const out = Buffer.alloc(8 + payload.length);
      out.writeBigInt64LE(length, 0);
      out.set(payload, 8);
      return out;
    };
    assert.deepEqual(Buffer.from(decompressBuffer("lz4-frame", prefixed(BigInt(raw.length), lz4Compress(raw)))), raw);
    assert.deepEqual(Buffer.from(decompressBuffer("zstd", prefixed(-1n, raw))), raw);
    assert.throws(() => decompressBuffer("lz4-frame", prefixed(BigInt(raw.length - 1), lz4Compress(raw))), /declared .* but decompressed to/);
    assert.throws(() => decompressBuffer("zstd", prefixed(10n, Buffer.from("not zstd"))), /zstd data does not decompress/);
    assert.throws(() => decompressBuffer("zstd", prefixed(1n << 40n, Buffer.alloc(4))), /declares/);
  });

  it("decodes nested columns with a struct's nulls pushed into its fields; statistics match the record path's", () => {
    const info = new arrow.Struct([new arrow.Field("a", new arrow.Int32()), new arrow.Field("tags", new arrow.List(new arrow.Field("item", new arrow.LargeUtf8())))]);
    const rows = [
      { a: 1, tags: ["x", null] },
      null,
      { a: null, tags: null },
      { a: 7, tags: [] },
    ];
    // Under the NULL struct (row 1) the fields hold values, as Arrow allows: they must read as NULL.
    const a = arrow.makeData({ type: new arrow.Int32(), length: 4, nullCount: 1, nullBitmap: Uint8Array.of(0b1011), data: Int32Array.of(1, 99, 0, 7) });
    const tagsData = arrow.vectorFromArray([["x", null], ["hidden"], null, []], info.children[1]!.type).data[0]!;
    const struct = arrow.makeData({ type: info, length: 4, nullCount: 1, nullBitmap: Uint8Array.of(0b1101), children: [a, tagsData] as arrow.Data[] });
    const table = new arrow.Table({ info: arrow.makeVector(struct) });
    const columns = "info STRUCT<a: INT, tags: ARRAY<STRING>>";
    const { header, body, plans } = firstBatch(table, columns);
    const batch = decodeRecordBatch(header, body, plans);
    const [decodedA, decodedTags] = batch.columns[0]!.children;
    assert.deepEqual([decodedA!.nullCount, decodedTags!.nullCount], [2, 2], "the NULL struct's fields are NULL");
    const fields = parseColumnList(columns);
    const expected = rows.map((r) => ({ info: r === null ? null : { a: r.a, tags: r.tags } }));
    assert.deepEqual(JSON.parse(computeColumnStats(fields, [[batch.columns[0]!]], 4)), JSON.parse(computeStats(fields, expected)));
  });
});
