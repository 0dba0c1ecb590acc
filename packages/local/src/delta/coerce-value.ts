import type { DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { DeltaError } from "./delta-error.js";

/**
 * Converts a value read from a Parquet file (arrow-values.ts model) to the row model of the table's
 * declared type. Files may store a column with another physical type than the schema says (INT32
 * for a long after type widening, INT32/INT64 decimals), so numbers and bigints are converted and
 * struct fields are matched by name; fields missing in the file become null.
 *
 * @throws DeltaError (LOG_INVALID) when a stored value cannot represent the declared type.
 */
export function coerceValue(type: DeltaType, value: RowValue | undefined): RowValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "primitive":
      return coercePrimitive(type.name, value);
    case "decimal":
      return toBigint(value);
    case "struct": {
      const source = value as Row;
      const row: Row = {};
      for (const field of type.fields) row[field.name] = coerceValue(field.type, lookup(source, field.name));
      return row;
    }
    case "array":
      return (value as RowValue[]).map((item) => coerceValue(type.elementType, item));
    case "map":
      return (value as Array<[RowValue, RowValue]>).map(([key, item]) => [coerceValue(type.keyType, key), coerceValue(type.valueType, item)]);
  }
}

/** A struct member by exact name, else by case-insensitive name (Spark resolves columns that way). */
export function lookup(row: Row, name: string): RowValue | undefined {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(row)) if (key.toLowerCase() === lower) return row[key];
  return undefined;
}

function coercePrimitive(name: string, value: RowValue): RowValue {
  switch (name) {
    case "byte":
    case "short":
    case "integer":
    case "date":
    case "float":
    case "double":
      return typeof value === "bigint" ? Number(value) : value;
    case "long":
    case "timestamp":
    case "timestamp_ntz":
      return toBigint(value);
    case "string":
      return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
    default:
      return value;
  }
}

function toBigint(value: RowValue): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  throw new DeltaError("LOG_INVALID", `A stored value (${String(value)}) does not fit its column's integer type`);
}
