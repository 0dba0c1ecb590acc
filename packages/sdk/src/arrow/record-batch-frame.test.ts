/**
 * The SDK's own layout of a RecordBatch (columnsFrame) against apache-arrow: for every flat type, with and
 * without nulls, whole and sliced at byte-aligned and unaligned rows, the frame decodes with apache-arrow's
 * reader to exactly the input's values; where apache-arrow's VectorAssembler writes the same bytes (no
 * bitmaps: it copies a slice's whole parent bitmap, we send only the slice's bits) the bytes are equal. The
 * body is also written as it is sent, into a request at an unaligned byte offset.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import { NonRetriableException } from "../errors.js";
import { FRAME_TARGET_BYTES, IpcBatchPreparer } from "./batch-preparer.js";
import { writeColumnBuffer } from "./column-buffer-writer.js";
import { BufferKind } from "./column-buffers.js";
import { declaredSchema } from "./declared-schema.js";
import { columnsFrame } from "./columns-frame.js";
import { assembledFrame, recordBatchFrame, type Assembler } from "./record-batch-frame.js";
import type { ArrowFrame } from "./arrow-batch.js";

const assembler = VectorAssembler as unknown as Assembler;
const ROWS = 40;

/** One column of every flat type the SDK declares (and Decimal128, which an apache-arrow Schema may). */
const COLUMNS: Array<[string, arrow.DataType, (i: number) => unknown]> = [
  ["bool", new arrow.Bool(), (i) => i % 3 === 1],
  ["i8", new arrow.Int8(), (i) => (i * 7) % 128 - 64],
  ["i16", new arrow.Int16(), (i) => i * 1000 - 20000],
  ["i32", new arrow.Int32(), (i) => i * 100_000 - 7],
  ["i64", new arrow.Int64(), (i) => BigInt(i) * 10_000_000_000n - 3n],
  ["u8", new arrow.Uint8(), (i) => (i * 13) % 256],
  ["u16", new arrow.Uint16(), (i) => i * 1500],
  ["u32", new arrow.Uint32(), (i) => i * 100_000_000],
  ["u64", new arrow.Uint64(), (i) => BigInt(i) * 2n ** 60n / 40n],
  ["f32", new arrow.Float32(), (i) => i / 4],
  ["f64", new arrow.Float64(), (i) => i / 3],
  ["utf8", new arrow.Utf8(), (i) => (i % 5 === 0 ? "" : `s${i}-${"é".repeat(i % 4)}`)],
  ["large_utf8", new arrow.LargeUtf8(), (i) => (i % 4 === 0 ? "" : `large-${i}`)],
  ["binary", new arrow.Binary(), (i) => Uint8Array.from({ length: i % 6 }, (_, j) => i + j)],
  ["large_binary", new arrow.LargeBinary(), (i) => Uint8Array.from({ length: i % 3 }, (_, j) => 255 - i - j)],
  ["date32", new arrow.DateDay(), (i) => new Date(Date.UTC(2020, 0, 1 + i))],
  ["date64", new arrow.DateMillisecond(), (i) => new Date(Date.UTC(2021, 5, 1, 0, 0, i))],
  ["ts_us_utc", new arrow.TimestampMicrosecond("UTC"), (i) => 1_700_000_000_000 + i],
  ["ts_ns_utc", new arrow.TimestampNanosecond("UTC"), (i) => 1_700_000_000_000 + i * 3],
  ["ts_us", new arrow.TimestampMicrosecond(), (i) => 1_600_000_000_000 + i],
  ["ts_ns", new arrow.TimestampNanosecond(), (i) => 1_600_000_000_000 - i],
  ["decimal", new arrow.Decimal(2, 20, 128), (i) => Uint32Array.from([i * 1000 + 1, 0, 0, 0])],
];

/** A batch of every column; `nullEvery` > 0 puts a null in every `nullEvery`-th row; "all" nulls a column. */
function batchOf(nullEvery: number, allNull?: string, columns = COLUMNS): arrow.RecordBatch {
  const fields = columns.map(([name, type]) => new arrow.Field(name, type, true));
  const children = columns.map(([name, type, value]) => {
    const values = Array.from({ length: ROWS }, (_, i) => (name === allNull || (nullEvery > 0 && i % nullEvery === 2) ? null : value(i)));
    return arrow.vectorFromArray(values, type).data[0]!;
  });
  const schema = new arrow.Schema(fields);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: ROWS, nullCount: 0, children }));
}

/** The frame as an IPC stream (the schema message, the frame, the end marker) that apache-arrow reads. */
function decode(schema: arrow.Schema, frame: ArrowFrame): arrow.Table {
  const message = (header: Uint8Array, body: Uint8Array): Buffer[] => {
    const padded = (header.length + 7) & ~7;
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(0xffffffff, 0);
    prefix.writeInt32LE(padded, 4);
    return [prefix, Buffer.from(header), Buffer.alloc(padded - header.length), Buffer.from(body)];
  };
  const schemaMessage = declaredSchema(arrow, { tableName: "a.b.c", schema }).message;
  const parts = [...message(schemaMessage, new Uint8Array(0)), ...message(frame.header, frame.body), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])];
  return arrow.tableFromIPC(Buffer.concat(parts));
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const plain = (value: unknown): unknown => (value instanceof Uint8Array || value instanceof Uint32Array ? Array.from(value) : value);

function assertSameValues(expected: arrow.RecordBatch, frame: ArrowFrame, label: string): void {
  const table = decode(expected.schema, frame);
  assert.equal(table.numRows, expected.numRows, label);
  assert.equal(frame.rows, expected.numRows, label);
  for (let c = 0; c < expected.numCols; c++) {
    const want = expected.getChildAt(c)!;
    const got = table.getChildAt(c)!;
    assert.equal(got.nullCount, want.nullCount, `${label}: null count of ${expected.schema.fields[c]!.name}`);
    for (let i = 0; i < expected.numRows; i++) {
      assert.deepEqual(plain(got.get(i)), plain(want.get(i)), `${label}: ${expected.schema.fields[c]!.name}[${i}]`);
    }
  }
}

describe("recordBatchFrame: the SDK's own column layout", () => {
  const cases: Array<[string, arrow.RecordBatch]> = [
    ["no nulls", batchOf(0)],
    ["nulls", batchOf(3)],
    ["an all-null utf8 column", batchOf(0, "utf8")],
    ["an all-null bool column", batchOf(5, "bool")],
  ];
  const slices: Array<[number, number]> = [[0, ROWS], [1, ROWS], [3, 20], [8, ROWS], [13, 11], [13, 1], [17, 0], [ROWS - 1, 1]];

  for (const [label, batch] of cases) {
    it(`${label}: every slice decodes to the input's values`, () => {
      for (const [start, length] of slices) {
        const slice = batch.slice(start, start + length);
        const frame = columnsFrame(slice);
        assert.ok(frame?.bodyWriter, "every column is flat");
        const body = frame.body;
        assert.equal(body.length % 8, 0);
        assert.equal(frame.bodyWriter.length, body.length);
        assertSameValues(slice, frame, `${label}, rows ${start}+${length}`);
        // As sent: written into a request after the fields before it, at any byte offset.
        for (const at of [1, 6]) {
          const request = new Uint8Array(at + body.length + 3).fill(0xaa);
          frame.bodyWriter.writeTo(request, at);
          assert.ok(sameBytes(request.subarray(at, at + body.length), body), `written at byte ${at}`);
          assert.deepEqual([request[at - 1], ...request.subarray(at + body.length)], [0xaa, 0xaa, 0xaa, 0xaa], "nothing written outside the body");
        }
      }
    });
  }

  it("writes the same bytes as apache-arrow's assembler when there are no bitmaps to cut", () => {
    const withoutBool = batchOf(0, undefined, COLUMNS.slice(1));
    for (const [start, length] of slices) {
      const slice = withoutBool.slice(start, start + length);
      const ours = columnsFrame(slice)!;
      const theirs = assembledFrame(assembler, slice);
      assert.ok(sameBytes(ours.body, theirs.body), `body of rows ${start}+${length}`);
      assert.ok(sameBytes(ours.header, theirs.header), `header of rows ${start}+${length}`);
    }
  });

  it("sends only a slice's own bits: the unused bits of the last bitmap byte are zero", () => {
    const slice = batchOf(0, "i32").slice(3, 3 + 11); // validity of i32: all zero
    const frame = columnsFrame(slice)!;
    const table = decode(slice.schema, frame);
    assert.equal(table.getChild("i32")!.nullCount, 11);
    const bools = batchOf(0, undefined, COLUMNS.slice(0, 1)).slice(5, 5 + 4); // values of rows 5..8: false, false, true, false
    assert.deepEqual(Array.from(columnsFrame(bools)!.body.subarray(0, 8)), [0b0100, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("rebases 64-bit offsets whose low word wraps (a borrow into the high word), without BigInt", () => {
    const offsets = BigInt64Array.from([2n ** 32n - 4n, 2n ** 32n - 1n, 2n ** 32n + 5n, 2n ** 33n + 7n]);
    const source = new Uint8Array(offsets.buffer);
    const target = new Uint8Array(40).fill(0xee);
    writeColumnBuffer({ kind: BufferKind.Offsets64, source, from: 2 ** 32 - 4, fromHigh: 0, count: 4, byteLength: 32, sourceLength: 32 }, target, 8);
    assert.deepEqual(Array.from(new BigInt64Array(target.buffer, 8, 4)), [0n, 3n, 9n, 2n ** 32n + 11n]);
    const high = BigInt64Array.from([2n ** 40n + 10n, 2n ** 40n + 2n ** 32n + 1n]);
    writeColumnBuffer({ kind: BufferKind.Offsets64, source: new Uint8Array(high.buffer), from: 10, fromHigh: 2 ** 8, count: 2, byteLength: 16, sourceLength: 16 }, target, 0);
    assert.deepEqual(Array.from(new BigInt64Array(target.buffer, 0, 2)), [0n, 2n ** 32n - 9n]);
    const sameHigh = BigInt64Array.from([2n ** 32n + 5n, 2n ** 32n + 9n, 2n ** 32n + 20n]); // one high word throughout
    writeColumnBuffer({ kind: BufferKind.Offsets64, source: new Uint8Array(sameHigh.buffer), from: 5, fromHigh: 1, count: 3, byteLength: 24, sourceLength: 24 }, target, 8);
    assert.deepEqual(Array.from(new BigInt64Array(target.buffer, 8, 3)), [0n, 4n, 15n]);
  });

  it("rebases a slice of LargeUtf8 whose offsets lie beyond 4 GiB (high words set, a borrow between rows)", () => {
    // Values standing in for a column of more than 8 GiB: only the bytes the slice covers exist.
    const base = 2 ** 33 - 2; // low word 0xfffffffe: the next offsets cross into high word 2
    const strings = ["ab", "", "cdefg", "h"];
    const bytes = new TextEncoder().encode(strings.join(""));
    const sparse = new Uint8Array(8);
    Object.defineProperties(sparse, {
      length: { get: () => 2 ** 34 },
      subarray: {
        value: (start: number, end: number) => {
          assert.equal(start, base);
          return bytes.subarray(0, end - start);
        },
      },
    });
    const offsets = new BigInt64Array(strings.length + 2);
    offsets[0] = 0n; // row 0 (sliced away) holds the 8 GiB before
    let at = base;
    strings.forEach((text, i) => {
      offsets[i + 1] = BigInt(at);
      at += text.length;
    });
    offsets[strings.length + 1] = BigInt(at);
    const column = new arrow.Data(new arrow.LargeUtf8(), 0, strings.length + 1, 0, [offsets, sparse, undefined]);
    const fields = [new arrow.Field("s", new arrow.LargeUtf8(), true)];
    const batch = new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: strings.length + 1, nullCount: 0, children: [column] }));
    const frame = columnsFrame(batch.slice(1, strings.length + 1))!;
    assert.deepEqual([...decode(batch.schema, frame).getChild("s")!], strings);
  });

  it("refuses to send a column whose memory was transferred away after ingest, instead of sending zeros", () => {
    const ids = Int32Array.from([1, 2, 3]);
    const fields = [new arrow.Field("id", new arrow.Int32(), true)];
    const column = arrow.makeData({ type: new arrow.Int32(), length: 3, nullCount: 0, data: ids });
    const batch = new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: 3, nullCount: 0, children: [column] }));
    const frame = columnsFrame(batch)!;
    structuredClone(ids.buffer, { transfer: [ids.buffer] }); // detaches the batch's memory
    assert.throws(() => frame.bodyWriter!.writeTo(new Uint8Array(64), 0), (err: Error) => err instanceof NonRetriableException && /detached or resized/.test(err.message));
  });

  it("leaves nested columns to apache-arrow's assembler, byte for byte", () => {
    const list = arrow.vectorFromArray([[1, 2], [], [3]], new arrow.List(new arrow.Field("item", new arrow.Int32(), true)));
    const ids = arrow.vectorFromArray([1, 2, 3], new arrow.Int32());
    const fields = [new arrow.Field("id", new arrow.Int32(), true), new arrow.Field("tags", list.type, true)];
    const batch = new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: 3, children: [ids.data[0]!, list.data[0]!] }));
    assert.equal(columnsFrame(batch), undefined);
    const frame = recordBatchFrame(assembler, batch.slice(1, 3));
    assert.ok(sameBytes(frame.body, assembledFrame(assembler, batch.slice(1, 3)).body));
    assert.deepEqual(decode(batch.schema, frame).getChild("tags")!.get(1)!.toArray(), Int32Array.from([3]));
  });

  it("a batch over 2 MiB is split by rows into frames, at unaligned rows, that decode to the input's rows", () => {
    const rows = 100_003;
    const columns: typeof COLUMNS = [
      ["bool", new arrow.Bool(), (i) => i % 3 === 1],
      ["i64", new arrow.Int64(), (i) => BigInt(i)],
      ["large_utf8", new arrow.LargeUtf8(), (i) => `row-${i}-padding-padding`],
    ];
    const fields = columns.map(([name, type]) => new arrow.Field(name, type, true));
    const children = columns.map(([, type, value]) => arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 11 === 4 ? null : value(i))), type).data[0]!);
    const schema = new arrow.Schema(fields);
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: rows, nullCount: 0, children }));
    const frames = new IpcBatchPreparer(arrow, assembler, declaredSchema(arrow, { tableName: "a.b.c", schema })).prepare(batch).frames;
    assert.ok(frames.length >= 2 && frames.every((f) => f.body.length <= FRAME_TARGET_BYTES));
    assert.ok(frames.every((f) => f.bodyWriter !== undefined), "laid out as sent");
    assert.ok(frames.some((_, i) => i > 0 && frames.slice(0, i).reduce((n, g) => n + g.rows, 0) % 8 !== 0), "a frame starts at an unaligned row");
    const decoded = frames.map((frame) => decode(schema, frame));
    const column = (name: string) => decoded.flatMap((table) => [...table.getChild(name)!]);
    for (const [name] of columns) assert.deepEqual(column(name), [...batch.getChild(name)!], name);
  });
});
