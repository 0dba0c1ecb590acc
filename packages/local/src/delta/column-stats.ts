/**
 * The `add.stats` JSON of a data file written from Arrow columns: the same statistics as
 * `computeStats` computes from rows (numRecords; per column minValues, maxValues, nullCount; the same
 * bound rules), computed by scanning typed arrays instead of row objects. Flat columns only: the Arrow
 * path does not carry nested columns.
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
  const prefixLength = options.stringPrefixLength ?? 32;
  const minValues: Record<string, JsonTextValue> = {};
  const maxValues: Record<string, JsonTextValue> = {};
  const nullCount: Record<string, JsonTextValue> = {};
  fields.forEach((field, i) => {
    if (numIndexedCols >= 0 && i >= numIndexedCols) return;
    const parts = columns[i]!;
    nullCount[field.name] = parts.reduce((sum, data) => sum + data.nullCount, 0);
    const bounds = columnBounds(field, parts, prefixLength);
    if (bounds?.min !== undefined) minValues[field.name] = bounds.min;
    if (bounds?.max !== undefined) maxValues[field.name] = bounds.max;
  });
  return toJsonText({ numRecords, minValues, maxValues, nullCount });
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

function isValid(data: arrow.Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  return data.nullCount === 0 || bitmap === undefined || bitmap.length === 0 || (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;
}

function numberRange(parts: readonly arrow.Data[], skipNaN: boolean): Bounds | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let seen = false;
  for (const data of parts) {
    const values = data.values as Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const value = values[i]!;
      if (skipNaN && Number.isNaN(value)) continue;
      seen = true;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return seen ? { min, max } : null;
}

// Compares int64 values as (signed high word, unsigned low word) pairs: no BigInt per row.
function int64Range(parts: readonly arrow.Data[]): Bounds | null {
  let best: { min: [arrow.Data, number]; max: [arrow.Data, number] } | null = null;
  let minHi = 0, minLo = 0, maxHi = 0, maxLo = 0;
  for (const data of parts) {
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const hi = words[2 * i + 1]!;
      const lo = words[2 * i]! >>> 0;
      if (best === null) {
        best = { min: [data, i], max: [data, i] };
        minHi = maxHi = hi;
        minLo = maxLo = lo;
        continue;
      }
      if (hi < minHi || (hi === minHi && lo < minLo)) {
        minHi = hi;
        minLo = lo;
        best.min = [data, i];
      }
      if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
        maxHi = hi;
        maxLo = lo;
        best.max = [data, i];
      }
    }
  }
  if (best === null) return null;
  const at = ([data, i]: [arrow.Data, number]) => (data.values as BigInt64Array)[i]!;
  return { min: at(best.min), max: at(best.max) };
}

// UTF-8 byte order is code point order, the order Delta's string bounds use.
function stringRange(parts: readonly arrow.Data[], prefixLength: number): Bounds | null {
  let min: Uint8Array | null = null;
  let max: Uint8Array | null = null;
  for (const data of parts) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const value = bytes.subarray(offsets[i]!, offsets[i + 1]!);
      if (min === null || compareBytes(value, min) < 0) min = value;
      if (max === null || compareBytes(value, max) > 0) max = value;
    }
  }
  if (min === null || max === null) return null;
  const decoder = new TextDecoder();
  return stringBounds([decoder.decode(min), decoder.decode(max)], prefixLength);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

function scan<T>(parts: readonly arrow.Data[], read: (data: arrow.Data, i: number) => T, compare: (a: T, b: T) => number): { min: T; max: T } | null {
  let range: { min: T; max: T } | null = null;
  for (const data of parts) {
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
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
