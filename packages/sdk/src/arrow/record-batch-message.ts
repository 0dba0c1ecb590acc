/**
 * Writes the `Message` flatbuffer of a RecordBatch frame (Arrow Message.fbs, MetadataVersion V5): rows,
 * field nodes, where each buffer lies in the body, and for a compressed body `compression = { codec, method:
 * BUFFER }`. The layout is fixed (tables then vectors, all forward), so no general flatbuffer builder is needed.
 */

/** What the header of a frame says. */
export interface BatchHeader {
  readonly rows: number;
  /** FieldNode structs, 16 bytes each, copied as they are. */
  readonly nodes: Uint8Array;
  /** Each buffer's offset and length in the new body, two numbers per buffer. */
  readonly buffers: ArrayLike<number>;
  /** variadicBufferCounts, 8 bytes each, copied as they are (or `undefined`). */
  readonly variadicCounts: Uint8Array | undefined;
  /** 0 = LZ4_FRAME, 1 = ZSTD; `undefined` for an uncompressed body. */
  readonly codec: number | undefined;
  readonly bodyLength: number;
}

const METADATA_V5 = 4;
const HEADER_RECORD_BATCH = 3;
// Fixed positions of the tables and their vtables (see the module comment).
const MESSAGE_VTABLE = 4;
const MESSAGE = 16;
const BATCH_VTABLE = 40;
const BATCH = 56;
const COMPRESSION_VTABLE = 88;
const COMPRESSION = 96;
const VECTORS = 104;

const align8 = (n: number): number => (n + 7) & ~7;
const TWO_32 = 2 ** 32;

/** A non-negative int64 below 2^53, as two 32-bit halves: no BigInt (this runs once per buffer per frame). */
function setInt64(view: DataView, pos: number, value: number): void {
  view.setUint32(pos, value % TWO_32, true);
  view.setUint32(pos + 4, Math.floor(value / TWO_32), true);
}

function writeVTable(view: DataView, pos: number, tableSize: number, fields: readonly number[]): void {
  view.setUint16(pos, 4 + 2 * fields.length, true);
  view.setUint16(pos + 2, tableSize, true);
  fields.forEach((offset, i) => view.setUint16(pos + 4 + 2 * i, offset, true));
}

/** Writes a vector whose elements start 8-aligned after `pos`; returns [length position, end]. */
function writeVector(out: Uint8Array, view: DataView, pos: number, count: number, elements: Uint8Array): [number, number] {
  const lengthPos = align8(pos + 4) - 4;
  view.setUint32(lengthPos, count, true);
  out.set(elements, lengthPos + 4);
  return [lengthPos, align8(lengthPos + 4 + elements.length)];
}

/** The `Message` flatbuffer for `header`. */
export function encodeBatchHeader(header: BatchHeader): Uint8Array {
  const bufferCount = header.buffers.length / 2;
  const variadic = header.variadicCounts;
  const size = VECTORS + 3 * 8 + header.nodes.length + 16 * bufferCount + (variadic?.length ?? 0) + 8;
  // From Node's shared slab (a few hundred bytes each): no memory of its own outside the heap per frame.
  const out = Buffer.allocUnsafe(align8(size)).fill(0);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint32(0, MESSAGE, true);

  writeVTable(view, MESSAGE_VTABLE, 24, [16, 18, 4, 8]);
  view.setInt32(MESSAGE, MESSAGE - MESSAGE_VTABLE, true);
  view.setUint32(MESSAGE + 4, BATCH - (MESSAGE + 4), true);
  setInt64(view, MESSAGE + 8, header.bodyLength);
  view.setInt16(MESSAGE + 16, METADATA_V5, true);
  view.setUint8(MESSAGE + 18, HEADER_RECORD_BATCH);

  const compressed = header.codec !== undefined;
  writeVTable(view, BATCH_VTABLE, 28, [8, 4, 16, compressed ? 20 : 0, variadic ? 24 : 0]);
  view.setInt32(BATCH, BATCH - BATCH_VTABLE, true);
  setInt64(view, BATCH + 8, header.rows);
  if (compressed) {
    view.setUint32(BATCH + 20, COMPRESSION - (BATCH + 20), true);
    writeVTable(view, COMPRESSION_VTABLE, 8, [4, 5]);
    view.setInt32(COMPRESSION, COMPRESSION - COMPRESSION_VTABLE, true);
    view.setUint8(COMPRESSION + 4, header.codec!);
    view.setUint8(COMPRESSION + 5, 0); // method BUFFER
  }

  let [at, end] = writeVector(out, view, VECTORS, header.nodes.length / 16, header.nodes);
  view.setUint32(BATCH + 4, at - (BATCH + 4), true);
  // The Buffer structs are written in place (offset, length: int64 each), not built apart and copied.
  at = align8(end + 4) - 4;
  view.setUint32(at, bufferCount, true);
  for (let i = 0; i < header.buffers.length; i++) setInt64(view, at + 4 + 8 * i, header.buffers[i]!);
  end = align8(at + 4 + 16 * bufferCount);
  view.setUint32(BATCH + 16, at - (BATCH + 16), true);
  if (variadic) {
    [at, end] = writeVector(out, view, end, variadic.length / 8, variadic);
    view.setUint32(BATCH + 24, at - (BATCH + 24), true);
  }
  return out.subarray(0, end);
}
