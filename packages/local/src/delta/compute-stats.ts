import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { RawJson, toJsonText, type JsonTextValue } from "./json-text.js";
import { formatDate, formatDecimal, formatTimestampMs } from "./value-text.js";

/** Options of {@link computeStats}, mirroring the Delta table properties of the same meaning. */
export interface StatsOptions {
  /** Leaf columns (in schema order) that get statistics; `-1` for all (`delta.dataSkippingNumIndexedCols`, default 32). */
  numIndexedCols?: number;
  /** Characters kept of string bounds (`delta.dataSkippingStringPrefixLength`, default 32). */
  stringPrefixLength?: number;
}

type JsonObject = { [key: string]: JsonTextValue };

interface StatsContext {
  remainingColumns: number;
  prefixLength: number;
}

/**
 * The `add.stats` JSON of a data file holding `rows` (DELTA.md §1.4): `numRecords`, and per column
 * `minValues`, `maxValues` and `nullCount`, nested like the schema. Bounds follow the safe policy:
 * strings keep a prefix for the minimum and drop the maximum when it is longer than the prefix;
 * timestamps are cut to milliseconds, rounding the minimum down and the maximum up; boolean, binary,
 * array and map columns get a null count only. Long and decimal bounds are exact JSON numbers.
 *
 * @param fields - The columns stored in the file (partition columns excluded).
 */
export function computeStats(fields: readonly DeltaField[], rows: readonly Row[], options: StatsOptions = {}): string {
  const numIndexedCols = options.numIndexedCols ?? 32;
  const context: StatsContext = {
    remainingColumns: numIndexedCols < 0 ? Number.POSITIVE_INFINITY : numIndexedCols,
    prefixLength: options.stringPrefixLength ?? 32,
  };
  const minValues: JsonObject = {};
  const maxValues: JsonObject = {};
  const nullCount: JsonObject = {};
  collectStruct(fields, rows, context, { minValues, maxValues, nullCount });
  return toJsonText({ numRecords: rows.length, minValues, maxValues, nullCount });
}

interface StatsTarget {
  minValues: JsonObject;
  maxValues: JsonObject;
  nullCount: JsonObject;
}

function collectStruct(fields: readonly DeltaField[], values: ReadonlyArray<Row | null>, context: StatsContext, target: StatsTarget): void {
  for (const field of fields) {
    if (context.remainingColumns <= 0) return;
    const column = values.map((row) => (row == null ? null : (row[field.name] ?? null)));
    if (field.type.kind === "struct") {
      const nested: StatsTarget = { minValues: {}, maxValues: {}, nullCount: {} };
      collectStruct(field.type.fields, column as Array<Row | null>, context, nested);
      for (const key of ["minValues", "maxValues", "nullCount"] as const) {
        if (Object.keys(nested[key]).length > 0) target[key][field.name] = nested[key];
      }
      continue;
    }
    context.remainingColumns--;
    target.nullCount[field.name] = column.reduce<number>((count, value) => (value === null ? count + 1 : count), 0);
    const bounds = leafBounds(field.type, column, context.prefixLength);
    if (bounds !== null) {
      if (bounds.min !== undefined) target.minValues[field.name] = bounds.min;
      if (bounds.max !== undefined) target.maxValues[field.name] = bounds.max;
    }
  }
}

export interface Bounds {
  min: JsonTextValue | undefined;
  max: JsonTextValue | undefined;
}

function leafBounds(type: DeltaType, column: readonly RowValue[], prefixLength: number): Bounds | null {
  if (type.kind === "decimal") {
    const range = extremes(column as Array<bigint | null>, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return range && { min: new RawJson(formatDecimal(range.min, type.scale)), max: new RawJson(formatDecimal(range.max, type.scale)) };
  }
  if (type.kind !== "primitive") return null;
  switch (type.name) {
    case "byte":
    case "short":
    case "integer":
    case "long":
      return extremes(column as Array<number | bigint | null>, compareNumbers);
    case "float":
    case "double": {
      const finite = (column as Array<number | null>).filter((v) => v !== null && !Number.isNaN(v));
      const range = extremes(finite, compareNumbers);
      return range && { min: finiteOrUndefined(range.min), max: finiteOrUndefined(range.max) };
    }
    case "date": {
      const range = extremes(column as Array<number | null>, compareNumbers);
      return range && { min: formatDate(range.min), max: formatDate(range.max) };
    }
    case "timestamp":
    case "timestamp_ntz": {
      const range = extremes(column as Array<bigint | null>, compareNumbers);
      const utc = type.name === "timestamp";
      return range && { min: formatTimestampMs(range.min, "floor", utc), max: formatTimestampMs(range.max, "ceil", utc) };
    }
    case "string":
      return stringBounds(column as Array<string | null>, prefixLength);
    default:
      return null;
  }
}

/** Bounds of a string column from its values: a prefix of the minimum; the maximum unless longer than the prefix. */
export function stringBounds(column: ReadonlyArray<string | null>, prefixLength: number): Bounds | null {
  const range = extremes(column, compareCodePoints);
  if (range === null) return null;
  // A prefix is still a valid lower bound; a cut maximum would not be an upper bound, so it is dropped.
  const max = codePointLength(range.max, prefixLength + 1) > prefixLength ? undefined : range.max;
  return { min: codePointPrefix(range.min, prefixLength), max };
}

function extremes<T>(values: ReadonlyArray<T | null>, compare: (a: T, b: T) => number): { min: T; max: T } | null {
  let min: T | null = null;
  let max: T | null = null;
  for (const value of values) {
    if (value === null) continue;
    if (min === null || compare(value, min) < 0) min = value;
    if (max === null || compare(value, max) > 0) max = value;
  }
  return min === null || max === null ? null : { min, max };
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders strings by code point, which is the UTF-8 byte order Delta readers use. Plain `<` compares
 * UTF-16 units and puts astral characters (surrogates) before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate && Math.max(x, y) >= 0xe000) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function codePointPrefix(text: string, length: number): string {
  if (text.length <= length) return text;
  let out = "";
  let count = 0;
  for (const char of text) {
    if (count++ === length) break;
    out += char;
  }
  return out;
}

function codePointLength(text: string, stopAt: number): number {
  if (text.length < stopAt) return text.length;
  let count = 0;
  for (const _ of text) if (++count >= stopAt) break;
  return count;
}

function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
