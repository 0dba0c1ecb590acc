/**
 * Converting JSON values and CSV cells to what a protobuf field of a run-time message type holds, as
 * plain objects the SDK encodes: 64-bit integers as bigint, bytes from base64, nested messages, repeated
 * fields from arrays, maps from objects. Strict: a value that does not fit its field is a
 * `ConversionError` naming the field, never a silent zero.
 */
import type protobuf from "protobufjs";
import type { ExactJson } from "./exact-json.js";
import { ConversionError } from "./conversion-error.js";

const INTEGER = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|-?Infinity)$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** Integer field ranges [min, max] by protobuf type. */
const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
};

/** Converts a JSON object to a plain message object of `type`; `path` names the field for errors. */
export function messageFromJson(type: protobuf.Type, value: ExactJson, path: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConversionError(`${path === "" ? "the record" : `field '${path}'`}: expected a JSON object, got ${describe(value)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const field = fieldNamed(type, key, path);
    if (item !== null) out[field.name] = fieldFromJson(field, item, join(path, field.name));
  }
  checkRequired(type, out, path);
  return out;
}

/** The field `key` names: exact, else ignoring case (column names are case-insensitive). */
export function fieldNamed(type: protobuf.Type, key: string, path: string): protobuf.Field {
  const field = type.fields[key] ?? type.fieldsArray.find((f) => f.name.toLowerCase() === key.toLowerCase());
  if (field === undefined) {
    throw new ConversionError(`unknown field '${join(path, key)}' (${type.name} has: ${type.fieldsArray.map((f) => f.name).join(", ")})`);
  }
  return field;
}

/** Throws for a `required` field missing from `out`: the service would refuse the record anyway. */
export function checkRequired(type: protobuf.Type, out: Record<string, unknown>, path: string): void {
  for (const field of type.fieldsArray) {
    if (field.required && !(field.name in out)) {
      throw new ConversionError(`field '${join(path, field.name)}' is required (NOT NULL) but the record has no value for it`);
    }
  }
}

/** One field's value from JSON: arrays for repeated fields, objects for maps and messages. */
export function fieldFromJson(field: protobuf.Field, value: ExactJson, path: string): unknown {
  field.resolve();
  if (field.map) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw mismatch(path, "a JSON object (a map)", value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === null) throw new ConversionError(`field '${path}': map values cannot be null`);
      out[mapKey((field as unknown as protobuf.MapField).keyType, key, path)] = singleFromJson(field, item, `${path}[${JSON.stringify(key)}]`);
    }
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw mismatch(path, "a JSON array", value);
    return value.map((item, i) => {
      if (item === null) throw new ConversionError(`field '${path}[${i}]': null is not allowed in a repeated field`);
      return singleFromJson(field, item, `${path}[${i}]`);
    });
  }
  return singleFromJson(field, value, path);
}

function singleFromJson(field: protobuf.Field, value: ExactJson, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved !== null && "fieldsArray" in resolved) return messageFromJson(resolved as protobuf.Type, value, path);
  if (resolved !== null) return enumValue(resolved as protobuf.Enum, value, path);
  return scalarValue(field.type, value, path);
}

/**
 * A scalar from a JSON value or from text (a CSV cell): numbers may come as text, bytes come as base64.
 */
export function scalarValue(type: string, value: ExactJson, path: string): unknown {
  const range = INTEGER_RANGES[type];
  if (range !== undefined) {
    let n: bigint | undefined;
    if (typeof value === "bigint") n = value;
    else if (typeof value === "number" && Number.isInteger(value)) n = BigInt(value);
    else if (typeof value === "string" && INTEGER.test(value.trim())) n = BigInt(value.trim());
    if (n === undefined) throw mismatch(path, `an integer (${type})`, value);
    if (n < range[0] || n > range[1]) throw new ConversionError(`field '${path}': ${n} is out of range for ${type}`);
    return type.endsWith("64") ? n : Number(n);
  }
  switch (type) {
    case "double":
    case "float":
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      if (typeof value === "string" && FLOAT_TEXT.test(value.trim())) return Number(value.trim());
      throw mismatch(path, `a number (${type})`, value);
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
      throw mismatch(path, "true or false", value);
    case "string":
      if (typeof value === "string") return value;
      throw mismatch(path, "a string", value);
    case "bytes":
      if (typeof value === "string" && BASE64.test(value)) return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
      throw mismatch(path, "base64 text (bytes)", value);
    default:
      throw new ConversionError(`field '${path}': unsupported protobuf type ${type}`);
  }
}

function enumValue(type: protobuf.Enum, value: ExactJson, path: string): number {
  if (typeof value === "string" && value in type.values) return type.values[value]!;
  if (typeof value === "number" && Object.values(type.values).includes(value)) return value;
  throw mismatch(path, `one of ${Object.keys(type.values).join(", ")}`, value);
}

function mapKey(keyType: string, key: string, path: string): string {
  if (keyType === "string") return key;
  if (keyType === "bool") {
    if (key === "true" || key === "false") return key;
    throw new ConversionError(`field '${path}': map key ${JSON.stringify(key)} is not true or false`);
  }
  return String(scalarValue(keyType, key, `${path} key`));
}

function mismatch(path: string, expected: string, value: ExactJson): ConversionError {
  return new ConversionError(`field '${path}': expected ${expected}, got ${describe(value)}`);
}

function describe(value: ExactJson): string {
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return typeof value === "bigint" ? value.toString() : JSON.stringify(value);
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}
