/**
 * Rows in one comparable shape, whichever reader produced them: the row model of `readTable` (int64 and
 * timestamps as bigint, dates as days, decimals as unscaled bigint, maps as `[key, value]` pairs), with
 * bytes as plain `Uint8Array`s and every absent value `null`, sorted by the `id` column.
 */
import type { DeltaField, DeltaType, Row, RowValue } from "@zerobus-ts/local";

/** Deep copy with `Buffer`s turned into `Uint8Array`s and `undefined` into `null`, so deepEqual is exact. */
export function canonicalValue(value: unknown): RowValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalValue(v)]));
  return value as RowValue;
}

/** Every field of `fields` present (absent ones `null`), canonical values, sorted by `id`. */
export function canonicalRows(rows: readonly Row[], fields: readonly DeltaField[]): Row[] {
  return sortById(rows.map((row) => Object.fromEntries(fields.map((f) => [f.name, canonicalValue(row[f.name])]))));
}

/** Sorts rows by their bigint `id`. */
export function sortById(rows: Row[]): Row[] {
  return rows.sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : (a.id as bigint) > (b.id as bigint) ? 1 : 0));
}

/**
 * The same rows with every decimal replaced by the float hyparquet computes for it (`unscaled × 10^-scale`,
 * in that order): hyparquet has no exact decimal output, so this is the closest exact comparison it allows.
 */
export function decimalsAsHyparquetFloats(rows: readonly Row[], fields: readonly DeltaField[]): Row[] {
  return rows.map((row) => Object.fromEntries(fields.map((f) => [f.name, floatDecimals(f.type, row[f.name] ?? null)])));
}

function floatDecimals(type: DeltaType, value: RowValue): RowValue {
  if (value === null) return null;
  switch (type.kind) {
    case "decimal":
      return Number(value as bigint) * 10 ** -type.scale;
    case "struct":
      return Object.fromEntries(type.fields.map((f) => [f.name, floatDecimals(f.type, (value as Row)[f.name] ?? null)]));
    case "array":
      return (value as RowValue[]).map((v) => floatDecimals(type.elementType, v));
    case "map":
      return (value as Array<[RowValue, RowValue]>).map(([k, v]) => [floatDecimals(type.keyType, k), floatDecimals(type.valueType, v)]);
    default:
      return value;
  }
}
