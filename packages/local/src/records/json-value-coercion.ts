/**
 * Converts one parsed JSON value into the row value of a Delta type (the mapping is documented on
 * `decodeJsonRecord`). Every failure is a `RecordError` naming the column path.
 */
import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { decimalPrecisionProblem, parseDecimalText } from "./decimal-text.js";
import { integralRangeProblem, type IntegralTypeName } from "./integer-range.js";
import { describeJson, JsonNumber, type JsonObject, type JsonValue } from "../json/json-reader.js";
import { childPath, RecordError } from "./record-error.js";
import { parseDateText, parseTimestampText } from "./temporal-text.js";
import { clip, quote, quoteList } from "../text/bounded-text.js";
import { mapKeyIdentity } from "./map-key-identity.js";

const INTEGER_STRING = /^[+-]?\d+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Converts `value` (never JSON null: callers handle NULL) to the row value for `type`. */
export function coerceJsonValue(type: DeltaType, value: JsonValue, path: string): RowValue {
  switch (type.kind) {
    case "primitive":
      return coercePrimitive(type.name, value, path);
    case "decimal":
      return coerceDecimal(type.precision, type.scale, value, path);
    case "struct":
      if (!(value instanceof Map)) throw mismatch(path, "a JSON object for a struct", value);
      return coerceStruct(type.fields, value, path);
    case "array":
      if (!Array.isArray(value)) throw mismatch(path, "a JSON array", value);
      return value.map((element, i) =>
        coerceNullable(type.elementType, element, type.containsNull, childPath(path, i), "array element"),
      );
    case "map":
      return coerceMap(type, value, path);
  }
}

/**
 * Converts a JSON object into a struct/row of `fields`: unknown keys are errors, missing keys are NULL,
 * and NULL in a non-nullable field is an error. A key matches its field exactly or, failing that,
 * case-insensitively (Delta column names are case-insensitive). When an object has both, the exact
 * match wins; two keys matching one field only case-insensitively are refused as ambiguous.
 */
export function coerceStruct(fields: readonly DeltaField[], object: JsonObject, path: string): Row {
  const { exact, folded } = fieldLookup(fields);
  const row: Row = {};
  // The key that set each field, to settle keys that differ only in case.
  const setBy = new Map<DeltaField, string>();
  for (const [key, value] of object) {
    let field = exact.get(key);
    if (field === undefined) {
      field = folded.get(key.toLowerCase());
      if (field === undefined) {
        throw new RecordError(childPath(path, clip(key)), `no such column in the table (columns: ${quoteList(fields.map((f) => f.name), 20, (name) => name)})`);
      }
      const earlier = setBy.get(field);
      if (earlier === field.name) continue; // the exact key was first, and wins
      if (earlier !== undefined) {
        throw new RecordError(childPath(path, field.name), `keys ${quote(earlier)} and ${quote(key)} both name this column (neither exactly)`);
      }
      if (object.has(field.name)) continue; // the exact key comes later, and wins
    }
    setBy.set(field, key);
    row[field.name] = coerceNullable(field.type, value, field.nullable, childPath(path, field.name), "column");
  }
  for (const field of fields) {
    if (setBy.has(field)) continue;
    if (!field.nullable) throw new RecordError(childPath(path, field.name), "is not nullable but the record has no value for it");
    row[field.name] = null;
  }
  return row;
}

const lookups = new WeakMap<readonly DeltaField[], { exact: Map<string, DeltaField>; folded: Map<string, DeltaField> }>();

// Built once per field list (a stream's columns, a struct's fields), not once per record.
function fieldLookup(fields: readonly DeltaField[]): { exact: Map<string, DeltaField>; folded: Map<string, DeltaField> } {
  let lookup = lookups.get(fields);
  if (lookup === undefined) {
    lookup = { exact: new Map(fields.map((f) => [f.name, f])), folded: new Map() };
    for (const field of fields) if (!lookup.folded.has(field.name.toLowerCase())) lookup.folded.set(field.name.toLowerCase(), field);
    lookups.set(fields, lookup);
  }
  return lookup;
}

function coerceNullable(type: DeltaType, value: JsonValue, nullable: boolean, path: string, what: string): RowValue {
  if (value === null) {
    if (!nullable) throw new RecordError(path, `null is not allowed: this ${what} is not nullable`);
    return null;
  }
  return coerceJsonValue(type, value, path);
}

function coercePrimitive(name: Extract<DeltaType, { kind: "primitive" }>["name"], value: JsonValue, path: string): RowValue {
  switch (name) {
    case "byte":
    case "short":
    case "integer":
      return Number(coerceInteger(name, value, path));
    case "long":
      return coerceInteger("long", value, path);
    case "float":
    case "double":
      return coerceFloat(name, value, path);
    case "boolean":
      if (typeof value !== "boolean") throw mismatch(path, "true or false", value);
      return value;
    case "string":
      if (typeof value !== "string") throw mismatch(path, "a JSON string", value);
      return value;
    case "binary":
      if (typeof value !== "string") throw mismatch(path, "a base64 string for binary", value);
      return decodeBase64(value, path);
    case "date":
      if (typeof value === "string") return attempt(path, () => parseDateText(value));
      return Number(coerceInteger("date", value, path));
    case "timestamp":
    case "timestamp_ntz":
      if (typeof value === "string") return attempt(path, () => parseTimestampText(value, name === "timestamp"));
      return coerceInteger("long", value, path);
  }
}

/** Integers: a JSON number without fraction or exponent, or a string holding one (int64 often travels as text). */
function coerceInteger(type: IntegralTypeName, value: JsonValue, path: string): bigint {
  let text: string | undefined;
  if (value instanceof JsonNumber && value.isInteger) text = value.text;
  else if (typeof value === "string" && INTEGER_STRING.test(value.trim())) text = value.trim();
  if (text === undefined) throw mismatch(path, `an integer for ${type}`, value);
  const n = BigInt(text);
  const problem = integralRangeProblem(type, n);
  if (problem !== undefined) throw new RecordError(path, problem);
  return n;
}

/** Floats: any JSON number, or the strings "NaN", "Infinity" and "-Infinity" (the protobuf JSON spellings). */
function coerceFloat(type: "float" | "double", value: JsonValue, path: string): number {
  let n: number;
  if (value instanceof JsonNumber) n = Number(value.text);
  else if (value === "NaN" || value === "Infinity" || value === "-Infinity") return Number(value);
  else throw mismatch(path, `a number for ${type}`, value);
  if (!Number.isFinite(n) || (type === "float" && Math.abs(n) > FLOAT32_MAX)) {
    throw new RecordError(path, `value ${describeJson(value)} is out of range for ${type}`);
  }
  return n;
}

/** Decimals: a JSON number or a string, read exactly and scaled to the column's scale (no rounding). */
function coerceDecimal(precision: number, scale: number, value: JsonValue, path: string): bigint {
  const text = value instanceof JsonNumber ? value.text : typeof value === "string" ? value : undefined;
  if (text === undefined) throw mismatch(path, `a number or numeric string for decimal(${precision},${scale})`, value);
  const unscaled = attempt(path, () => parseDecimalText(text, precision, scale));
  const problem = decimalPrecisionProblem(unscaled, precision, scale);
  if (problem !== undefined) throw new RecordError(path, problem);
  return unscaled;
}

/** Maps: a JSON object (keys converted to the key type) or an array of `[key, value]` pairs. */
function coerceMap(type: Extract<DeltaType, { kind: "map" }>, value: JsonValue, path: string): Array<[RowValue, RowValue]> {
  const entries: Array<[JsonValue, JsonValue]> = [];
  if (value instanceof Map) {
    for (const [k, v] of value) entries.push([keyFromText(type.keyType, k), v]);
  } else if (Array.isArray(value)) {
    value.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw mismatch(childPath(path, i), "a [key, value] pair", pair);
      entries.push([pair[0] as JsonValue, pair[1] as JsonValue]);
    });
  } else {
    throw mismatch(path, "a JSON object or an array of [key, value] pairs for a map", value);
  }
  const seen = new Set<string>();
  return entries.map(([k, v], i) => {
    const entryPath = childPath(path, i);
    if (k === null) throw new RecordError(entryPath, "map keys cannot be null");
    const key = coerceJsonValue(type.keyType, k, `${entryPath}.key`);
    const identity = mapKeyIdentity(key);
    if (seen.has(identity)) throw new RecordError(`${entryPath}.key`, `map key ${clip(identity)} appears more than once in the map`);
    seen.add(identity);
    return [key, coerceNullable(type.valueType, v, type.valueContainsNull, `${entryPath}.value`, "map value")];
  });
}

/** Object keys are always strings; numeric and boolean key types read them back as JSON literals. */
function keyFromText(keyType: DeltaType, key: string): JsonValue {
  if (keyType.kind === "decimal") return key;
  if (keyType.kind !== "primitive") return key;
  switch (keyType.name) {
    case "byte":
    case "short":
    case "integer":
    case "long":
    case "float":
    case "double":
      return /^-?\d/.test(key) ? new JsonNumber(key) : key;
    case "boolean":
      return key === "true" ? true : key === "false" ? false : key;
    default:
      return key;
  }
}

function decodeBase64(text: string, path: string): Uint8Array {
  const normalized = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!BASE64.test(normalized)) throw new RecordError(path, `value is not valid base64 text`);
  return new Uint8Array(Buffer.from(normalized, "base64"));
}

function attempt<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new RecordError(path, (err as Error).message, { cause: err });
  }
}

function mismatch(path: string, expected: string, value: JsonValue): RecordError {
  return new RecordError(path, `expected ${expected}, got ${describeJson(value)}`);
}
