import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { formatDate, formatDecimal, formatTimestampMicros } from "./value-text.js";

/** A JSON value as {@link rowToJson} produces it. */
export type RowJsonValue = null | boolean | number | string | RowJsonValue[] | { [key: string]: RowJsonValue };

/**
 * A row as plain JSON that loses nothing (docs/delta-golden.md, "Rows as JSON"), for the catalog's
 * rows route and tools:
 * - byte, short, integer, float, double: JSON numbers; NaN and ±Infinity as the strings `"NaN"`,
 *   `"Infinity"`, `"-Infinity"`;
 * - long: a string of digits (`"9007199254740993"`), since JSON numbers are doubles in most readers;
 * - decimal(p, s): the exact decimal text with `s` fraction digits (`"-12.50"`);
 * - string: a string; binary: base64; boolean: true/false;
 * - date: `"2024-01-31"`;
 * - timestamp: ISO 8601 UTC with microseconds, `"2024-01-31T12:00:00.000001Z"`;
 * - timestamp_ntz: the same without a zone, `"2024-01-31T12:00:00.000001"`;
 * - struct: an object keyed by field name; array: an array; map: an array of `[key, value]` pairs
 *   (keys need not be strings, order is kept);
 * - NULL: null.
 */
export function rowToJson(fields: readonly DeltaField[], row: Row): { [column: string]: RowJsonValue } {
  const out: { [column: string]: RowJsonValue } = {};
  for (const field of fields) out[field.name] = valueToJson(field.type, row[field.name]);
  return out;
}

/** One value in the encoding of {@link rowToJson}. */
export function valueToJson(type: DeltaType, value: RowValue | undefined): RowJsonValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "decimal":
      return formatDecimal(value as bigint, type.scale);
    case "struct":
      return rowToJson(type.fields, value as Row);
    case "array":
      return (value as RowValue[]).map((item) => valueToJson(type.elementType, item));
    case "map":
      return (value as Array<[RowValue, RowValue]>).map(([key, item]) => [valueToJson(type.keyType, key), valueToJson(type.valueType, item)]);
    case "primitive":
      return primitiveToJson(type.name, value);
  }
}

function primitiveToJson(name: string, value: RowValue): RowJsonValue {
  switch (name) {
    case "long":
      return String(value);
    case "float":
    case "double":
      return Number.isFinite(value) ? (value as number) : String(value);
    case "binary":
      return Buffer.from(value as Uint8Array).toString("base64");
    case "date":
      // Days beyond JavaScript's date range (±273,790 years) stay a day count.
      return formatDate(value as number) ?? (value as number);
    case "timestamp":
      return formatTimestampMicros(value as bigint, true);
    case "timestamp_ntz":
      return formatTimestampMicros(value as bigint, false).replace(" ", "T");
    default:
      return value as RowJsonValue;
  }
}
