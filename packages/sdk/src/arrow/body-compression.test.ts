/**
 * Compressed frames as the Arrow IPC format defines them, checked by apache-arrow itself: a frame compressed
 * with each codec (and one whose buffers do not shrink, stored raw behind -1) decodes to the same rows.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import * as fzstd from "fzstd";
import * as lz4 from "lz4js";
import { NonRetriableException } from "../errors.js";
import { NUMBERED_FIELDS, ipcBytes, numberedBatch } from "../test-support/arrow-fixtures.js";
import type { ArrowFrame } from "./arrow-batch.js";
import { IpcCompressionType } from "./arrow-types.js";
import { IpcBatchPreparer } from "./batch-preparer.js";
import { loadBodyCodec } from "./body-codecs.js";
import { compressFrame } from "./body-compression.js";
import { declaredSchema } from "./declared-schema.js";
import { recordBatchLayout } from "./ipc-messages.js";

const declared = declaredSchema(arrow, { tableName: "a.b.c", schemaFields: NUMBERED_FIELDS });

/** An IPC stream of the declared schema and one message. */
function ipcStream(header: Uint8Array, body: Uint8Array): Buffer {
  const message = (h: Uint8Array, b: Uint8Array) => {
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(0xffffffff, 0);
    prefix.writeInt32LE(h.length, 4);
    return [prefix, Buffer.from(h), Buffer.alloc((8 - (h.length % 8)) % 8), Buffer.from(b)];
  };
  const fix = (parts: Buffer[]) => {
    parts[0]!.writeInt32LE(parts[1]!.length + parts[2]!.length, 4);
    return parts;
  };
  return Buffer.concat([...fix(message(declared.message, new Uint8Array(0))), ...fix(message(header, body)), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]);
}

before(() => {
  arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, { decode: (data) => lz4.decompress(data) });
  // fzstd may return a view at an odd offset; apache-arrow needs 8-byte aligned buffers.
  arrow.compressionRegistry.set(arrow.CompressionType.ZSTD, { decode: (data) => fzstd.decompress(data).slice() });
});

describe("compressFrame", () => {
  const frame: ArrowFrame = new IpcBatchPreparer(arrow, VectorAssembler, declared).prepare(ipcBytes(numberedBatch(0, 5000, 40))).frames[0]!;

  for (const type of [IpcCompressionType.Lz4Frame, IpcCompressionType.Zstd]) {
    it(`${IpcCompressionType[type]}: apache-arrow decodes the same rows, from a smaller body`, async () => {
      const compressed = compressFrame(frame, await loadBodyCodec(type));
      assert.equal(recordBatchLayout(compressed.header).codec, type);
      assert.ok(compressed.body.length < frame.body.length / 2);
      const table = arrow.tableFromIPC(ipcStream(compressed.header, compressed.body));
      assert.equal(table.numRows, 5000);
      assert.equal(table.getChild("id")!.get(4321), 4321n);
      assert.equal(table.getChild("pad")!.get(7), `7${"x".repeat(40)}`);
      // Compressed input is refused: the stream compresses itself (ipcCompression).
      const preparer = new IpcBatchPreparer(arrow, VectorAssembler, declared);
      assert.throws(() => preparer.prepare(ipcStream(compressed.header, compressed.body)), (err: Error) => err instanceof NonRetriableException && /compressed/.test(err.message));
    });
  }

  it("stores a buffer that does not shrink raw, behind the length -1", async () => {
    const noise = new arrow.Schema([new arrow.Field("b", new arrow.Binary(), false)]);
    const values = Array.from({ length: 50 }, (_, i) => Uint8Array.from({ length: 64 }, (_, j) => (i * 7919 + j * 104729) % 251 ^ (j * 31)));
    const batch = new arrow.RecordBatch(noise, arrow.makeData({ type: new arrow.Struct(noise.fields), length: 50, children: [arrow.vectorFromArray(values, new arrow.Binary()).data[0]!] }));
    const schemaDeclared = declaredSchema(arrow, { tableName: "a.b.c", schema: noise });
    const plain = new IpcBatchPreparer(arrow, VectorAssembler, schemaDeclared).prepare(ipcBytes(batch)).frames[0]!;
    const compressed = compressFrame(plain, await loadBodyCodec(IpcCompressionType.Lz4Frame));
    const layout = recordBatchLayout(compressed.header);
    const lengths = Array.from({ length: layout.buffers.length / 2 }, (_, i) => layout.buffers[2 * i + 1]!);
    const prefixes = lengths.map((length, i) => (length === 0 ? null : Number(Buffer.from(compressed.body).readBigInt64LE(layout.buffers[2 * i]!))));
    assert.ok(prefixes.includes(-1), `some buffer stored raw (${prefixes.join(", ")})`);
  });
});
