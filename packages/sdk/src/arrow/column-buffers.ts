/**
 * Where each IPC buffer of one flat column comes from, read straight off an apache-arrow `Data`: the
 * Arrow IPC layout (Schema.fbs / the columnar format) asks, per column, for a validity buffer, then the
 * offsets (variable-width types), then the values. Planning is separate from writing
 * (`column-buffer-writer.ts`) so that a frame's size is known before its body is written, and each buffer
 * is copied exactly once, straight to wherever the body goes.
 *
 * apache-arrow keeps a slice as its parent's buffers plus an offset: fixed-width values and value offsets
 * are already cut at the slice (typed-array views), while bitmaps (validity, Bool values) and the bytes of
 * strings are not. Each {@link ColumnBuffer} says how to turn that into the slice's own buffer.
 */
import type { Data } from "apache-arrow";

/** How a buffer's bytes are produced. */
export enum BufferKind {
  /** `source` copied as it is (`byteLength` bytes). */
  Bytes,
  /** `count` bits of `source` from bit `from`, realigned to bit 0. */
  Bits,
  /** `count` int32 offsets in `source`, minus `from`. */
  Offsets32,
  /** `count` int64 offsets in `source`, minus `fromHigh * 2^32 + from`. */
  Offsets64,
}

/** One buffer of the body (fields used according to `kind`; one shape, so writing stays monomorphic). */
export interface ColumnBuffer {
  kind: BufferKind;
  source: Uint8Array;
  from: number;
  fromHigh: number;
  count: number;
  /** Bytes the buffer takes before its padding to 8. */
  byteLength: number;
  /** `source.length` when planned: the batch's memory must still be there, unchanged in size, when written. */
  sourceLength: number;
}

/**
 * Whether `b`'s memory is still there, unchanged in size: a frame reads the caller's arrays as it is sent,
 * and memory detached (transferred) or shrunk since would otherwise go out as zeros.
 */
export const bufferIntact = (b: ColumnBuffer): boolean => b.source.length === b.sourceLength;

/** Arrow format type ids (Schema.fbs `Type`, which apache-arrow's `Type` enum follows). */
const enum TypeId {
  Int = 2,
  Float = 3,
  Binary = 4,
  Utf8 = 5,
  Bool = 6,
  Decimal = 7,
  Date = 8,
  Timestamp = 10,
  LargeBinary = 19,
  LargeUtf8 = 20,
}

const TWO_32 = 2 ** 32;
const EMPTY = new Uint8Array(0);

function buffer(kind: BufferKind, source: Uint8Array, from: number, fromHigh: number, count: number, byteLength: number): ColumnBuffer {
  return { kind, source, from, fromHigh, count, byteLength, sourceLength: source.length };
}

const bytesOf = (view: ArrayBufferView, byteLength: number): Uint8Array =>
  new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, byteLength));

/**
 * Appends the buffers of `data` (one column of a RecordBatch, or a slice of one) to `out` and returns its
 * null count; returns -1 (and appends nothing) for a type or shape this layout does not cover, which the
 * caller then leaves to apache-arrow's own assembler.
 */
export function planColumn(data: Data, out: ColumnBuffer[]): number {
  const typeId = data.type.typeId as number;
  const { length, offset } = data;
  const values = data.values as ArrayBufferView | undefined;
  if (values === undefined || data.children.length > 0 || data.dictionary !== undefined) return -1;
  let variable = false;
  switch (typeId) {
    case TypeId.Int:
    case TypeId.Float:
    case TypeId.Decimal:
    case TypeId.Date:
    case TypeId.Timestamp:
    case TypeId.Bool:
      break;
    case TypeId.Utf8:
    case TypeId.Binary:
    case TypeId.LargeUtf8:
    case TypeId.LargeBinary:
      variable = true;
      if (data.valueOffsets === undefined) return -1;
      break;
    default:
      return -1;
  }
  const nullCount = Math.max(0, data.nullCount);
  const bitmap = data.nullBitmap;
  if (nullCount > 0 && (bitmap === undefined || bitmap.length === 0)) return -1;
  const first = out.length;
  // No nulls: an empty validity buffer, as apache-arrow's writer sends it.
  out.push(nullCount > 0 ? buffer(BufferKind.Bits, bitmap!, offset, 0, length, (length + 7) >>> 3) : buffer(BufferKind.Bytes, EMPTY, 0, 0, 0, 0));
  if (typeId === TypeId.Bool) {
    out.push(buffer(BufferKind.Bits, bytesOf(values, values.byteLength), offset, 0, length, (length + 7) >>> 3));
  } else if (!variable) {
    // Already cut at the slice by apache-arrow: `stride` elements per row.
    const byteLength = length * data.stride * (values as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (values.byteLength < byteLength) return fallBack(out, first); // too few values for its rows: as before
    out.push(buffer(BufferKind.Bytes, bytesOf(values, byteLength), 0, 0, 0, byteLength));
  } else if (!planVariable(data, values as Uint8Array, out)) {
    return fallBack(out, first);
  }
  return nullCount;
}

/** Drops what was planned for the column: -1, the batch goes to apache-arrow's assembler. */
function fallBack(out: ColumnBuffer[], first: number): number {
  out.length = first;
  return -1;
}

/** Offsets rebased to start at 0 and the value bytes they cover; false for offsets out of range. */
function planVariable(data: Data, values: Uint8Array, out: ColumnBuffer[]): boolean {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const count = data.length + 1;
  if (offsets.length < count) return false;
  const wide = offsets.BYTES_PER_ELEMENT === 8;
  let begin: number;
  let beginHigh = 0;
  let end: number;
  if (wide) {
    // Read as 32-bit halves: no BigInt per element (little-endian, as apache-arrow assumes).
    const halves = new Uint32Array(offsets.buffer, offsets.byteOffset, 2 * count);
    begin = halves[0]!;
    beginHigh = halves[1]!;
    end = halves[2 * count - 1]! * TWO_32 + halves[2 * count - 2]!;
    if (beginHigh >= 0x200000 || end >= Number.MAX_SAFE_INTEGER) return false;
  } else {
    begin = offsets[0] as number;
    end = offsets[count - 1] as number;
  }
  const start = beginHigh * TWO_32 + begin;
  if (start < 0 || end < start || end > values.length) return false;
  const offsetBytes = bytesOf(offsets, count * offsets.BYTES_PER_ELEMENT);
  if (start === 0) out.push(buffer(BufferKind.Bytes, offsetBytes, 0, 0, count, offsetBytes.length));
  else out.push(buffer(wide ? BufferKind.Offsets64 : BufferKind.Offsets32, offsetBytes, begin, beginHigh, count, offsetBytes.length));
  const bytes = values.subarray(start, end);
  out.push(buffer(BufferKind.Bytes, bytes, 0, 0, 0, bytes.length));
  return true;
}
