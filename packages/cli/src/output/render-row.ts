/**
 * Table rows as JSON text for `tables head`, typed by the table schema: exact 64-bit integers and
 * decimals, dates as `YYYY-MM-DD`, timestamps as ISO 8601 with microseconds, binary as base64.
 */
import type { DeltaField, DeltaType, Row, RowValue } from "@zerobus-ts/local";

/** One row as a JSON object, columns in table order. */
export function renderRow(row: Row, fields: readonly DeltaField[]): string {
  return renderStruct(row, fields);
}

function renderStruct(row: Row, fields: readonly DeltaField[]): string {
  return `{${fields.map((f) => `${JSON.stringify(f.name)}:${renderValue(row[f.name] ?? null, f.type)}`).join(",")}}`;
}

function renderValue(value: RowValue, type: DeltaType): string {
  if (value === null) return "null";
  switch (type.kind) {
    case "struct":
      return renderStruct(value as Row, type.fields);
    case "array":
      return `[${(value as RowValue[]).map((v) => renderValue(v, type.elementType)).join(",")}]`;
    case "map": {
      const entries = value as Array<[RowValue, RowValue]>;
      const stringKeys = type.keyType.kind === "primitive" && type.keyType.name === "string";
      if (stringKeys) return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${renderValue(v, type.valueType)}`).join(",")}}`;
      return `[${entries.map(([k, v]) => `[${renderValue(k, type.keyType)},${renderValue(v, type.valueType)}]`).join(",")}]`;
    }
    case "decimal":
      return decimalText(value as bigint, type.scale);
    case "primitive":
      return renderPrimitive(value, type.name);
  }
}

function renderPrimitive(value: RowValue, name: Extract<DeltaType, { kind: "primitive" }>["name"]): string {
  switch (name) {
    case "date":
      return JSON.stringify(new Date(Number(value) * 86_400_000).toISOString().slice(0, 10));
    case "timestamp":
    case "timestamp_ntz":
      return JSON.stringify(timestampText(value as bigint, name === "timestamp"));
    case "binary":
      return JSON.stringify(Buffer.from(value as Uint8Array).toString("base64"));
    case "float":
    case "double":
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    default:
      return typeof value === "bigint" ? value.toString() : JSON.stringify(value);
  }
}

/** `1234` with scale 2 → `12.34`; exact for any precision. */
function decimalText(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Microseconds since the epoch → `2024-05-01T12:00:00.000001Z` (no `Z` without a time zone). */
function timestampText(micros: bigint, utc: boolean): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const extra = ((micros % 1000n) + 1000n) % 1000n;
  const iso = new Date(Number(millis)).toISOString(); // …T12:00:00.000Z
  return `${iso.slice(0, -1)}${String(extra).padStart(3, "0")}${utc ? "Z" : ""}`;
}
