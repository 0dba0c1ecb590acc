import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { DeltaError } from "./delta-error.js";
import { formatDate, formatDecimal, formatTimestampMicros } from "./value-text.js";

/** Directory name Hive (and Spark) use for a NULL partition value. */
export const HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

// Characters Hive escapes in partition directory names (as %XX), besides control characters.
const HIVE_ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\x7f", "{", "[", "]", "^"]);

/**
 * The `add.partitionValues` text of a value (DELTA.md §1.5): numbers as text, dates `YYYY-MM-DD`,
 * timestamps as ISO UTC with microseconds (`…T…Z`), timestamp_ntz as `YYYY-MM-DD HH:MM:SS.ffffff`,
 * decimals as plain decimal text, booleans `true`/`false`; NULL is `null`.
 */
export function partitionValueText(type: DeltaType, value: RowValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (type.kind === "decimal") return formatDecimal(value as bigint, type.scale);
  if (type.kind !== "primitive") throw new TypeError(`A ${type.kind} column cannot be a partition column`);
  switch (type.name) {
    case "date":
      return formatDate(value as number) ?? String(value);
    case "timestamp":
      return formatTimestampMicros(value as bigint, true);
    case "timestamp_ntz":
      return formatTimestampMicros(value as bigint, false);
    case "binary":
      return String.fromCharCode(...(value as Uint8Array));
    default:
      return String(value);
  }
}

/**
 * The row value of a partition value's text, the inverse of {@link partitionValueText}, also accepting
 * Spark's spellings (`2021-09-08 11:11:11` timestamps, read as UTC). An empty string is NULL.
 *
 * @throws DeltaError (LOG_INVALID) when the text does not parse as the column's type.
 */
export function parsePartitionValue(field: DeltaField, text: string | null | undefined): RowValue {
  if (text === null || text === undefined || text === "") return null;
  const value = parseText(field.type, text);
  if (value === undefined) {
    throw new DeltaError("LOG_INVALID", `Partition value ${JSON.stringify(text)} is not a valid ${describeType(field.type)} for column ${field.name}`);
  }
  return value;
}

function parseText(type: DeltaType, text: string): RowValue | undefined {
  if (type.kind === "decimal") return parseDecimal(text, type.scale);
  if (type.kind !== "primitive") return undefined;
  switch (type.name) {
    case "byte":
    case "short":
    case "integer":
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case "long":
      return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case "float":
    case "double": {
      const number = Number(text);
      return Number.isNaN(number) && text !== "NaN" ? undefined : number;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "string":
      return text;
    case "binary":
      return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
    case "date": {
      const ms = Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
      return Number.isNaN(ms) ? undefined : Math.round(ms / 86_400_000);
    }
    default:
      return parseTimestampMicros(text);
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Microseconds since the epoch of `YYYY-MM-DD[ T]HH:MM:SS[.fff…][Z|±HH:MM]` (no zone = UTC). */
export function parseTimestampMicros(text: string): bigint | undefined {
  const match = TIMESTAMP.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction = "", zone = "Z"] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let micros = BigInt(ms) * 1000n + BigInt((fraction + "000000").slice(0, 6));
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    micros -= sign * minutes * 60_000_000n;
  }
  return micros;
}

/** The unscaled value of decimal text at `scale`, or undefined when it has more fractional digits. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (match === null || (match[2] === "" && (match[3] ?? "") === "")) return undefined;
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) return undefined;
  const unscaled = BigInt((match[2] || "0") + fraction.padEnd(scale, "0"));
  return match[1] === "-" ? -unscaled : unscaled;
}

/** Hive-escapes one partition value for use in a directory name (`a/b` → `a%2Fb`). */
export function escapePartitionPathValue(text: string | null): string {
  if (text === null) return HIVE_NULL_PARTITION;
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += (code < 0x20 || HIVE_ESCAPED.has(char)) && char.length === 1 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : char;
  }
  return out;
}

/** The Hive-style directory (`col=value/other=value`) of one partition, relative to the table root. */
export function partitionDirectory(partitionColumns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return partitionColumns
    .map((column) => `${escapePartitionPathValue(column)}=${escapePartitionPathValue(values[column] ?? null)}`)
    .join("/");
}

/** The partition values (as text) of a row, for every partition column. */
export function rowPartitionValues(fields: readonly DeltaField[], partitionColumns: readonly string[], row: Row): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const column of partitionColumns) {
    const field = fields.find((f) => f.name === column)!;
    values[column] = partitionValueText(field.type, row[column]);
  }
  return values;
}

function describeType(type: DeltaType): string {
  return type.kind === "primitive" ? type.name : type.kind;
}
