/**
 * The `add.stats` JSON of a data file written from Arrow columns: the same statistics as
 * `computeStats` computes from rows (numRecords; per column minValues, maxValues, nullCount; the same
 * bound rules, nested like the schema), computed by scanning typed arrays instead of row objects.
 */
import type * as arrow from "apache-arrow";
import type { DeltaField } from "../schema/delta-type.js";
import { stringBounds, type StatsOptions } from "./compute-stats.js";
import { readDecimal } from "./decimal128.js";
import { RawJson, toJsonText, type JsonTextValue } from "./json-text.js";
import { formatDate, formatDecimal, formatTimestampMs } from "./value-text.js";

/** Statistics of `fields`, whose values are `columns[i]` (one Data per batch) for field i. */
export function computeColumnStats(fields: readonly DeltaField[], columns: ReadonlyArray<readonly arrow.Data[]>, numRecords: number, options: StatsOptions = {}): string {
  const numIndexedCols = options.numIndexedCols ?? 32;
  const context = { remaining: numIndexedCols < 0 ? Number.POSITIVE_INFINITY : numIndexedCols, prefixLength: options.stringPrefixLength ?? 32 };
  const target: StatsTarget = { minValues: {}, maxValues: {}, nullCount: {} };
  collectStruct(fields, columns, context, target);
  return toJsonText({ numRecords, ...target });
}

type JsonObject = { [key: string]: JsonTextValue };
type StatsTarget = { minValues: JsonObject; maxValues: JsonObject; nullCount: JsonObject };

// Struct fields nest like the schema and count no leaf of their own; arrays and maps are leaves with a
// null count only (as `computeStats` does). A struct child's nulls include its parent's: the decoder
// pushes a struct's nulls down into its children.
function collectStruct(fields: readonly DeltaField[], columns: ReadonlyArray<readonly arrow.Data[]>, context: { remaining: number; prefixLength: number }, target: StatsTarget): void {
  fields.forEach((field, i) => {
    if (context.remaining <= 0) return;
    const parts = columns[i]!;
    if (field.type.kind === "struct") {
      const nested: StatsTarget = { minValues: {}, maxValues: {}, nullCount: {} };
      collectStruct(field.type.fields, field.type.fields.map((_, k) => parts.map((data) => data.children[k]!)), context, nested);
      for (const key of ["minValues", "maxValues", "nullCount"] as const) {
        if (Object.keys(nested[key]).length > 0) target[key][field.name] = nested[key];
      }
      return;
    }
    context.remaining--;
    target.nullCount[field.name] = parts.reduce((sum, data) => sum + data.nullCount, 0);
    const bounds = columnBounds(field, parts, context.prefixLength);
    if (bounds?.min !== undefined) target.minValues[field.name] = bounds.min;
    if (bounds?.max !== undefined) target.maxValues[field.name] = bounds.max;
  });
}

interface Bounds {
  min: JsonTextValue | undefined;
  max: JsonTextValue | undefined;
}

function columnBounds(field: DeltaField, parts: readonly arrow.Data[], prefixLength: number): Bounds | null {
  const type = field.type;
  if (type.kind === "decimal") {
    const range = scan(parts, (data, i) => readDecimal(data.values as Uint32Array, i), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return range && { min: new RawJson(formatDecimal(range.min, type.scale)), max: new RawJson(formatDecimal(range.max, type.scale)) };
  }
  if (type.kind !== "primitive") return null;
  switch (type.name) {
    case "byte":
    case "short":
    case "integer":
      return numberRange(parts, false);
    case "float":
    case "double": {
      const range = numberRange(parts, true);
      return range && { min: finite(range.min as number), max: finite(range.max as number) };
    }
    case "date": {
      const range = numberRange(parts, false);
      return range && { min: formatDate(range.min as number), max: formatDate(range.max as number) };
    }
    case "long":
      return int64Range(parts);
    case "timestamp":
    case "timestamp_ntz": {
      const range = int64Range(parts);
      const utc = type.name === "timestamp";
      return range && { min: formatTimestampMs(range.min as bigint, "floor", utc), max: formatTimestampMs(range.max as bigint, "ceil", utc) };
    }
    case "string":
      return stringRange(parts, prefixLength);
    default:
      return null;
  }
}

// A null mask to test with `nullAt`, or undefined when the part has no nulls (the fast loops).
function nullMask(data: arrow.Data): Uint8Array | undefined {
  const bitmap = data.nullBitmap;
  return data.nullCount === 0 || bitmap === undefined || bitmap.length === 0 ? undefined : bitmap;
}

function nullAt(mask: Uint8Array | undefined, i: number): boolean {
  return mask !== undefined && (mask[i >> 3]! & (1 << (i & 7))) === 0;
}

function numberRange(parts: readonly arrow.Data[], skipNaN: boolean): Bounds | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let seen = false;
  for (const data of parts) {
    const values = data.values as Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
    const mask = nullMask(data);
    for (let i = 0; i < data.length; i++) {
      if (mask !== undefined && nullAt(mask, i)) continue;
      const value = values[i]!;
      if (skipNaN && value !== value) continue;
      seen = true;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return seen ? { min, max } : null;
}

// Compares int64 values as (signed high word, unsigned low word) pairs: no BigInt per row.
function int64Range(parts: readonly arrow.Data[]): Bounds | null {
  let min: { data: arrow.Data; i: number; hi: number; lo: number } | null = null;
  let max: { data: arrow.Data; i: number; hi: number; lo: number } | null = null;
  for (const data of parts) {
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
    const mask = nullMask(data);
    let minHi: number = min?.hi ?? 0x7fffffff;
    let minLo: number = min?.lo ?? 0xffffffff;
    let maxHi: number = max?.hi ?? -0x80000000;
    let maxLo: number = max?.lo ?? 0;
    let minAt = -1;
    let maxAt = -1;
    for (let i = 0; i < data.length; i++) {
      if (mask !== undefined && nullAt(mask, i)) continue;
      const hi = words[2 * i + 1]!;
      const lo = words[2 * i]! >>> 0;
      if (hi < minHi || (hi === minHi && lo <= minLo)) {
        minHi = hi;
        minLo = lo;
        minAt = i;
      }
      if (hi > maxHi || (hi === maxHi && lo >= maxLo)) {
        maxHi = hi;
        maxLo = lo;
        maxAt = i;
      }
    }
    if (minAt >= 0) min = { data, i: minAt, hi: minHi, lo: minLo };
    if (maxAt >= 0) max = { data, i: maxAt, hi: maxHi, lo: maxLo };
  }
  if (min === null || max === null) return null;
  return { min: (min.data.values as BigInt64Array)[min.i]!, max: (max.data.values as BigInt64Array)[max.i]! };
}

// UTF-8 byte order is code point order, the order Delta's string bounds use. Values are compared in
// place by their offsets: no view or string per row.
function stringRange(parts: readonly arrow.Data[], prefixLength: number): Bounds | null {
  let min: Uint8Array | null = null;
  let max: Uint8Array | null = null;
  for (const data of parts) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const mask = nullMask(data);
    let minAt = -1;
    let maxAt = -1;
    for (let i = 0; i < data.length; i++) {
      if (mask !== undefined && nullAt(mask, i)) continue;
      if (minAt < 0) {
        minAt = maxAt = i;
        continue;
      }
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      if (compareWithin(words, bytes, start, end, offsets[minAt]!, offsets[minAt + 1]!) < 0) minAt = i;
      else if (compareWithin(words, bytes, start, end, offsets[maxAt]!, offsets[maxAt + 1]!) > 0) maxAt = i;
    }
    if (minAt < 0) continue;
    const partMin = bytes.subarray(offsets[minAt]!, offsets[minAt + 1]!);
    const partMax = bytes.subarray(offsets[maxAt]!, offsets[maxAt + 1]!);
    if (min === null || compareRanges(partMin, 0, partMin.length, min, 0, min.length) < 0) min = partMin;
    if (max === null || compareRanges(partMax, 0, partMax.length, max, 0, max.length) > 0) max = partMax;
  }
  if (min === null || max === null) return null;
  const decoder = new TextDecoder();
  return stringBounds([decoder.decode(min), decoder.decode(max)], prefixLength);
}

// Two values of one buffer, compared four bytes at a time (big-endian words order like their bytes).
function compareWithin(words: DataView, bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  let k = 0;
  for (; k + 4 <= length; k += 4) {
    const x = words.getUint32(aStart + k);
    const y = words.getUint32(bStart + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  for (; k < length; k++) {
    const diff = bytes[aStart + k]! - bytes[bStart + k]!;
    if (diff !== 0) return diff;
  }
  return aEnd - aStart - (bEnd - bStart);
}

function compareRanges(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const diff = a[aStart + k]! - b[bStart + k]!;
    if (diff !== 0) return diff;
  }
  return aEnd - aStart - (bEnd - bStart);
}

function scan<T>(parts: readonly arrow.Data[], read: (data: arrow.Data, i: number) => T, compare: (a: T, b: T) => number): { min: T; max: T } | null {
  let range: { min: T; max: T } | null = null;
  for (const data of parts) {
    for (let i = 0; i < data.length; i++) {
      if (nullAt(nullMask(data), i)) continue;
      const value = read(data, i);
      if (range === null) range = { min: value, max: value };
      else {
        if (compare(value, range.min) < 0) range.min = value;
        if (compare(value, range.max) > 0) range.max = value;
      }
    }
  }
  return range;
}

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
