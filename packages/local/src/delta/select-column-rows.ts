/**
 * Picks some rows of a decoded Arrow column (a partition's rows of a DoPut batch) as a new compact column
 * (offset 0, offsets starting at 0, exact buffers), the form the Parquet job and the statistics expect.
 * A contiguous range keeps fixed-width values as views of the original buffers (only validity bits,
 * and the offsets of variable-width and list columns, are rebuilt); a list of row indices gathers
 * every buffer into new ones. Covers every type the Flight decoder produces: fixed-width numbers,
 * dates, timestamps and Decimal128, booleans, Utf8/Binary, and List, Map and Struct of those.
 */
import * as arrow from "apache-arrow";

/** Rows to keep: `[start, end)` or the row numbers in order. */
export type RowSelection = { start: number; end: number } | Int32Array;

/** The selected rows of `data` (a compact column with `data.offset === 0`). */
export function selectColumnRows(data: arrow.Data, rows: RowSelection): arrow.Data {
  const length = rows instanceof Int32Array ? rows.length : rows.end - rows.start;
  const { nullBitmap, nullCount } = selectValidity(data, rows, length);
  const common = { type: data.type, length, nullCount, nullBitmap };
  const type = data.type as arrow.DataType;
  if (arrow.DataType.isStruct(type)) {
    return make({ ...common, children: data.children.map((child) => selectColumnRows(child, rows)) });
  }
  if (arrow.DataType.isList(type) || arrow.DataType.isMap(type)) {
    const { offsets, childRows } = selectRanges(data.valueOffsets as Int32Array, rows, length);
    return make({ ...common, valueOffsets: offsets, child: selectColumnRows(data.children[0]!, childRows) });
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    return make({ ...common, ...selectBytes(data.valueOffsets as Int32Array, data.values as Uint8Array, rows, length) });
  }
  if (arrow.DataType.isBool(type)) return make({ ...common, data: selectBits(data.values as Uint8Array, rows, length) });
  return make({ ...common, data: selectFixed(data.values as FixedValues, data.stride, rows, length) });
}

type FixedValues = Int8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | Float32Array | Float64Array;

function selectFixed(values: FixedValues, stride: number, rows: RowSelection, length: number): FixedValues {
  if (!(rows instanceof Int32Array)) return values.subarray(rows.start * stride, rows.end * stride);
  const out = new (values.constructor as new (n: number) => FixedValues)(length * stride);
  if ((values.BYTES_PER_ELEMENT === 8 || stride > 1) && (values.BYTES_PER_ELEMENT * stride) % 4 === 0) {
    // 64-bit and wider values move as 32-bit words: no BigInt per value, no NaN rewritten.
    const words = (values.BYTES_PER_ELEMENT * stride) / 4;
    const source = new Int32Array(values.buffer, values.byteOffset, values.length * (values.BYTES_PER_ELEMENT / 4));
    const target = new Int32Array(out.buffer, out.byteOffset, out.length * (out.BYTES_PER_ELEMENT / 4));
    for (let i = 0; i < length; i++) for (let k = 0, from = rows[i]! * words; k < words; k++) target[i * words + k] = source[from + k]!;
  } else {
    // 8-, 16- and 32-bit numbers: each element moves as it is.
    const source = values as unknown as number[];
    const target = out as unknown as number[];
    for (let i = 0; i < length; i++) target[i] = source[rows[i]!]!;
  }
  return out;
}

function bitAt(bits: Uint8Array, i: number): boolean {
  return (bits[i >> 3]! & (1 << (i & 7))) !== 0;
}

function selectBits(bits: Uint8Array, rows: RowSelection, length: number): Uint8Array {
  const out = new Uint8Array((length + 7) >> 3);
  if (rows instanceof Int32Array) {
    for (let i = 0; i < length; i++) if (bitAt(bits, rows[i]!)) out[i >> 3]! |= 1 << (i & 7);
  } else if ((rows.start & 7) === 0) {
    out.set(bits.subarray(rows.start >> 3, (rows.start >> 3) + out.length));
    if (length & 7) out[out.length - 1]! &= (1 << (length & 7)) - 1;
  } else {
    for (let i = 0; i < length; i++) if (bitAt(bits, rows.start + i)) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function selectValidity(data: arrow.Data, rows: RowSelection, length: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return { nullBitmap: undefined, nullCount: 0 };
  const nullBitmap = selectBits(bitmap, rows, length);
  let valid = 0;
  for (let i = 0; i < length; i++) if (bitAt(nullBitmap, i)) valid++;
  return { nullBitmap, nullCount: length - valid };
}

// The new offsets of the selected values, and which child rows (element rows, map entries) they span.
function selectRanges(offsets: Int32Array, rows: RowSelection, length: number): { offsets: Int32Array; childRows: RowSelection } {
  const out = new Int32Array(length + 1);
  if (!(rows instanceof Int32Array)) {
    const base = offsets[rows.start]!;
    for (let i = 0; i <= length; i++) out[i] = offsets[rows.start + i]! - base;
    return { offsets: out, childRows: { start: base, end: offsets[rows.end]! } };
  }
  for (let i = 0; i < length; i++) out[i + 1] = out[i]! + offsets[rows[i]! + 1]! - offsets[rows[i]!]!;
  const childRows = new Int32Array(out[length]!);
  let next = 0;
  for (let i = 0; i < length; i++) {
    for (let k = offsets[rows[i]!]!; k < offsets[rows[i]! + 1]!; k++) childRows[next++] = k;
  }
  return { offsets: out, childRows };
}

function selectBytes(offsets: Int32Array, bytes: Uint8Array, rows: RowSelection, length: number): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(length + 1);
  if (!(rows instanceof Int32Array)) {
    const base = offsets[rows.start]!;
    for (let i = 0; i <= length; i++) valueOffsets[i] = offsets[rows.start + i]! - base;
    return { valueOffsets, data: bytes.subarray(base, offsets[rows.end]!) };
  }
  for (let i = 0; i < length; i++) valueOffsets[i + 1] = valueOffsets[i]! + offsets[rows[i]! + 1]! - offsets[rows[i]!]!;
  const data = new Uint8Array(valueOffsets[length]!);
  for (let i = 0; i < length; i++) {
    const from = offsets[rows[i]!]!;
    const to = offsets[rows[i]! + 1]!;
    const at = valueOffsets[i]!;
    // Short values (most strings) byte by byte: a subarray per value costs more than the copy.
    if (to - from <= 32) for (let k = from; k < to; k++) data[at + k - from] = bytes[k]!;
    else data.set(bytes.subarray(from, to), at);
  }
  return { valueOffsets, data };
}

// makeData's overloads are keyed on the concrete Arrow type; the props built above match the type.
function make(props: Record<string, unknown>): arrow.Data {
  return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as arrow.Data;
}
