/**
 * What `ingestBatch` accepts and refuses, checked on the preparer alone (no stream): each bad input gets a
 * NonRetriableException naming what was wrong, and the preparer goes on accepting good batches after it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import { NonRetriableException } from "../errors.js";
import { NUMBERED_FIELDS, ipcBytes, numberedBatch, numberedSchema } from "../test-support/arrow-fixtures.js";
import { IpcBatchPreparer, FRAME_TARGET_BYTES } from "./batch-preparer.js";
import { declaredSchema } from "./declared-schema.js";

const preparer = () => new IpcBatchPreparer(arrow, VectorAssembler, declaredSchema(arrow, { tableName: "a.b.c", schemaFields: NUMBERED_FIELDS }));
const refusedWith = (pattern: RegExp) => (err: unknown) => err instanceof NonRetriableException && pattern.test(err.message);

describe("BatchPreparer", () => {
  it("takes IPC bytes without copying them: one frame whose header and body are views of the input", () => {
    const bytes = ipcBytes(numberedBatch(0, 1000));
    const batch = preparer().prepare(bytes);
    assert.equal(batch.rows, 1000);
    assert.equal(batch.frames.length, 1);
    assert.equal(batch.frames[0]!.body.buffer, bytes.buffer);
  });

  it("takes a RecordBatch and a Table (several batches: one entry, in order)", () => {
    const p = preparer();
    assert.equal(p.prepare(numberedBatch(0, 10)).rows, 10);
    const table = new arrow.Table([numberedBatch(0, 10), numberedBatch(10, 5)]);
    const batch = p.prepare(table);
    assert.deepEqual(batch.frames.map((f) => f.rows), [10, 5]);
  });

  it("refuses, by name, a RecordBatch built with another copy of apache-arrow (a module whose Schema class differs)", () => {
    const otherCopy = { ...arrow, Schema: class OtherSchema {} } as unknown as typeof arrow;
    const p = new IpcBatchPreparer(otherCopy, VectorAssembler, declaredSchema(arrow, { tableName: "a.b.c", schemaFields: NUMBERED_FIELDS }));
    assert.throws(() => p.prepare(numberedBatch(0, 10)), refusedWith(/another copy of apache-arrow/));
    assert.equal(p.prepare(ipcBytes(numberedBatch(0, 10))).rows, 10);
  });

  it("splits a batch over 2 MiB by rows into frames of at most 2 MiB", () => {
    const batch = preparer().prepare(numberedBatch(0, 200_000, 20));
    assert.ok(batch.frames.length >= 3);
    assert.ok(batch.frames.every((f) => f.body.length <= FRAME_TARGET_BYTES));
    assert.equal(batch.rows, 200_000);
  });

  it("refuses bytes that are not an Arrow IPC stream, and goes on accepting good ones", () => {
    const p = preparer();
    assert.throws(() => p.prepare(Buffer.from("this is not arrow at all")), refusedWith(/not an Arrow IPC stream/));
    const truncated = ipcBytes(numberedBatch(0, 100)).subarray(0, 300);
    assert.throws(() => p.prepare(truncated), refusedWith(/not an Arrow IPC stream/));
    assert.throws(() => p.prepare({ nope: 1 } as never), refusedWith(/expected Arrow IPC stream bytes/));
    const file = arrow.tableToIPC(new arrow.Table([numberedBatch(0, 3)]), "file");
    assert.throws(() => p.prepare(file), refusedWith(/Arrow IPC \*file\* \(ARROW1\); pass the stream format/));
    assert.equal(p.prepare(ipcBytes(numberedBatch(0, 3))).rows, 3);
  });

  it("refuses a batch whose schema differs from the stream's, naming the column", () => {
    const other = new arrow.Schema([new arrow.Field("id", new arrow.Int32(), false), new arrow.Field("pad", new arrow.LargeUtf8(), true)]);
    const ids = arrow.makeData({ type: new arrow.Int32(), length: 2, data: new Int32Array([1, 2]) });
    const pads = arrow.vectorFromArray(["a", "b"], new arrow.LargeUtf8()).data[0]!;
    const batch = new arrow.RecordBatch(other, arrow.makeData({ type: new arrow.Struct(other.fields), length: 2, children: [ids, pads] }));
    const p = preparer();
    assert.throws(() => p.prepare(ipcBytes(batch)), refusedWith(/schema differs.*column #0 is 'id' Int32/));
    assert.throws(() => p.prepare(batch), refusedWith(/schema differs/));
    const nullable = numberedBatch(0, 2, 1, new arrow.Schema([new arrow.Field("id", new arrow.Int64(), true), numberedSchema().fields[1]!]));
    assert.throws(() => p.prepare(ipcBytes(nullable)), refusedWith(/'id' Int64 \(nullable\) where the stream has 'id' Int64 \(not null\)/));
  });

  it("refuses an empty batch", () => {
    assert.throws(() => preparer().prepare(ipcBytes(numberedBatch(0, 0))), refusedWith(/no rows/));
    assert.throws(() => preparer().prepare(numberedBatch(0, 0)), refusedWith(/no rows/));
  });

  it("refuses a dictionary-encoded column, in the batch and in a declared schema", () => {
    const dictType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false), new arrow.Field("pad", dictType, true)]);
    const table = arrow.tableFromArrays({ id: BigInt64Array.from([1n]), pad: ["x"] });
    assert.ok(arrow.DataType.isDictionary(table.schema.fields[1]!.type), "apache-arrow infers a dictionary for strings");
    assert.throws(() => preparer().prepare(ipcBytes(table.batches[0]!)), refusedWith(/column 'pad' is dictionary-encoded/));
    assert.throws(() => declaredSchema(arrow, { tableName: "a.b.c", schema }), refusedWith(/column 'pad' is dictionary-encoded/));
  });

  it("sends a row larger than a frame (2 MiB) but within a message alone in its frame", () => {
    const schema = new arrow.Schema([new arrow.Field("blob", new arrow.Binary(), true)]);
    const p = new IpcBatchPreparer(arrow, VectorAssembler, declaredSchema(arrow, { tableName: "a.b.c", schema }));
    const values = [new Uint8Array(16), new Uint8Array(3 * 1024 * 1024), new Uint8Array(16), new Uint8Array(16)];
    const blobs = arrow.vectorFromArray(values, new arrow.Binary());
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 4, children: [blobs.data[0]!] }));
    const frames = p.prepare(batch).frames;
    assert.equal(frames.reduce((n, f) => n + f.rows, 0), 4);
    assert.ok(frames.some((f) => f.rows === 1 && f.body.length > FRAME_TARGET_BYTES), "the big row in a frame of its own");
  });

  it("refuses a row too large for one message (10 MiB), whatever the batch around it", () => {
    const schema = new arrow.Schema([new arrow.Field("blob", new arrow.Binary(), true)]);
    const p = new IpcBatchPreparer(arrow, VectorAssembler, declaredSchema(arrow, { tableName: "a.b.c", schema }));
    const big = arrow.vectorFromArray([new Uint8Array(16), new Uint8Array(11 * 1024 * 1024)], new arrow.Binary());
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 2, children: [big.data[0]!] }));
    assert.throws(() => p.prepare(ipcBytes(batch)), refusedWith(/row 1 alone takes \d+ bytes, more than one message/));
  });

  it("refuses IPC that is already compressed, and unknown declared types", () => {
    assert.throws(
      () => declaredSchema(arrow, { tableName: "a.b.c", schemaFields: [{ name: "x", dataType: 99 }] }),
      refusedWith(/unknown dataType 99/),
    );
    assert.throws(() => declaredSchema(arrow, { tableName: "a.b.c" }), refusedWith(/either schemaFields or schema/));
  });
});
