/**
 * Table rows as JSON text for `tables head`, typed by the table schema: exact 64-bit integers and
 * decimals (JSON numbers, not strings), dates as `YYYY-MM-DD`, timestamps as ISO 8601 with microseconds,
 * binary as base64, maps with string keys as objects.
 *
 * Rendered from the lossless JSON form of rows (`rowToJson` of @zerobus-ts/local, which is also what the
 * local service's rows route returns), so rows read from files and rows fetched over HTTP print the same.
 */
import type { DeltaField, DeltaType, RowJsonValue } from "@zerobus-ts/local";

/** A row in the lossless JSON form, keyed by column name. */
export type JsonRow = { readonly [column: string]: RowJsonValue };

/** One row as a JSON object, columns in table order. */
export function renderJsonRow(row: JsonRow, fields: readonly DeltaField[]): string {
  return `{${fields.map((f) => `${JSON.stringify(f.name)}:${renderValue(row[f.name] ?? null, f.type)}`).join(",")}}`;
}

function renderValue(value: RowJsonValue, type: DeltaType): string {
  if (value === null) return "null";
  switch (type.kind) {
    case "struct":
      return renderJsonRow(value as JsonRow, type.fields);
    case "array":
      return `[${(value as RowJsonValue[]).map((v) => renderValue(v, type.elementType)).join(",")}]`;
    case "map": {
      const entries = value as Array<[RowJsonValue, RowJsonValue]>;
      const stringKeys = type.keyType.kind === "primitive" && type.keyType.name === "string";
      if (stringKeys) return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${renderValue(v, type.valueType)}`).join(",")}}`;
      return `[${entries.map(([k, v]) => `[${renderValue(k, type.keyType)},${renderValue(v, type.valueType)}]`).join(",")}]`;
    }
    case "decimal":
      return String(value); // exact decimal text: a valid JSON number
    case "primitive":
      return type.name === "long" ? String(value) : JSON.stringify(value);
  }
}
