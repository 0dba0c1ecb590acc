/**
 * Preparing JavaScript objects for protobufjs encoding against a record descriptor.
 *
 * protobufjs' `fromObject` is forgiving in ways that lose data silently: unknown keys are dropped, and an
 * int64 given as an out-of-range bigint or a non-numeric string becomes 0. Plain objects are therefore
 * checked first ({@link checkPlainObject}); protobuf-es v2 messages, whose values protobuf-es already
 * typed, are only renamed from their camelCase properties to the .proto field names
 * ({@link fromProtobufEsMessage}). Both walks follow a per-type plan computed once and cached.
 */
import { boundedText } from "./bounded-text.js";
import type { protobuf } from "./descriptor/protobuf-runtime.js";

/** How one field is read and checked. */
interface FieldPlan {
  /** The .proto field name: the key of plain objects and of what protobufjs' `fromObject` reads. */
  readonly name: string;
  /** protobuf-es v2 property name (lowerCamelCase). */
  readonly localName: string;
  /** protobuf-es v2 property of the field's oneof group, when the field belongs to a real oneof. */
  readonly oneofLocalName: string | undefined;
  readonly repeated: boolean;
  readonly map: boolean;
  /** 0 = not 64-bit, 1 = signed, 2 = unsigned. */
  readonly int64: 0 | 1 | 2;
  /** The message type of message fields (of map values for maps). */
  readonly message: protobuf.Type | undefined;
  /** Whether `message` is a `google.protobuf.*Value` wrapper, which protobuf-es v2 unboxes. */
  readonly wrapper: boolean;
}

interface TypePlan {
  readonly fields: readonly FieldPlan[];
  readonly byName: ReadonlyMap<string, FieldPlan>;
}

const plans = new WeakMap<protobuf.Type, TypePlan>();
const SIGNED_64 = new Set(["int64", "sint64", "sfixed64"]);
const UNSIGNED_64 = new Set(["uint64", "fixed64"]);
const WRAPPER = /^\.google\.protobuf\.(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value$/;

function planOf(type: protobuf.Type): TypePlan {
  let plan = plans.get(type);
  if (!plan) {
    const fields = type.fieldsArray.map(planField);
    plan = { fields, byName: new Map(fields.map((field) => [field.name, field])) };
    plans.set(type, plan);
  }
  return plan;
}

function planField(field: protobuf.Field): FieldPlan {
  field.resolve();
  const resolved = field.resolvedType;
  const message = resolved && "fieldsArray" in resolved ? (resolved as protobuf.Type) : undefined;
  const oneof = field.partOf && !field.options?.["proto3_optional"] ? field.partOf : undefined;
  return {
    name: field.name,
    localName: protoCamelCase(field.name),
    oneofLocalName: oneof ? protoCamelCase(oneof.name) : undefined,
    repeated: field.repeated,
    map: field.map,
    int64: SIGNED_64.has(field.type) ? 1 : UNSIGNED_64.has(field.type) ? 2 : 0,
    message,
    wrapper: message !== undefined && WRAPPER.test(message.fullName),
  };
}

/** protobuf-es' property naming: underscores dropped, the next letter upper-cased (digits reset that). */
function protoCamelCase(name: string): string {
  let out = "";
  let upper = false;
  for (const char of name) {
    if (char === "_") upper = true;
    else if (char >= "0" && char <= "9") {
      out += char;
      upper = false;
    } else {
      out += upper ? char.toUpperCase() : char;
      upper = false;
    }
  }
  return out;
}

/**
 * Checks a plain object against `type`: every key names a field (by its .proto name), 64-bit integers
 * are exact (bigint, integer number, decimal string or Long, in range), nested messages recursively.
 * Returns a description of the first problem, or `undefined`.
 */
export function checkPlainObject(value: object, type: protobuf.Type, path = type.name): string | undefined {
  const plan = planOf(type);
  for (const key of Object.keys(value)) {
    const field = plan.byName.get(key);
    if (!field) return unknownFieldText(plan, key, path);
    const fieldValue = (value as Record<string, unknown>)[key];
    if (fieldValue === undefined || fieldValue === null) continue;
    const problem = field.repeated || field.map
      ? checkCollection(field, fieldValue, `${path}.${key}`)
      : checkValue(field, fieldValue, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function checkCollection(field: FieldPlan, value: unknown, path: string): string | undefined {
  if (field.map ? typeof value !== "object" || Array.isArray(value) : !Array.isArray(value)) {
    return `${path}: expected ${field.map ? "an object (map)" : "an array"}`;
  }
  for (const [key, item] of Object.entries(value as object)) {
    const problem = checkValue(field, item, `${path}[${JSON.stringify(key)}]`);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(field: FieldPlan, value: unknown, path: string): string | undefined {
  if (field.int64 !== 0) return checkInt64(value, field.int64 === 2, path);
  if (field.message && typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    return checkPlainObject(value, field.message, path);
  }
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function checkInt64(value: unknown, unsigned: boolean, path: string): string | undefined {
  let big: bigint;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number" && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value)) big = BigInt(value);
  else if (typeof value === "object" && value !== null && "low" in value && "high" in value) return undefined;
  else return `${path}: expected a 64-bit integer (bigint, integer number or decimal string), got ${JSON.stringify(boundedText(String(value), 100))}`;
  const [min, max] = unsigned ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
  if (big < min || big > max) return `${path}: ${big} is out of range for ${unsigned ? "uint64" : "int64"}`;
  return undefined;
}

function unknownFieldText(plan: TypePlan, key: string, path: string): string {
  const camel = plan.fields.find((field) => field.localName === key && field.name !== key);
  const hint = camel ? ` (did you mean '${camel.name}'? fields use their .proto names)` : "";
  return `${path}: unknown field '${boundedText(key, 100)}'${hint}`;
}

/**
 * Copies a protobuf-es v2 message into the plain shape protobufjs' `fromObject` reads for `type`: .proto
 * field names, oneof groups (`{ case, value }`) flattened, unboxed wrapper values boxed again. Only own
 * properties count as set, because protobuf-es keeps proto2 defaults on the prototype.
 */
export function fromProtobufEsMessage(message: object, type: protobuf.Type): Record<string, unknown> {
  const source = message as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of planOf(type).fields) {
    let value: unknown;
    if (field.oneofLocalName !== undefined) {
      const group = source[field.oneofLocalName] as { case?: unknown; value?: unknown } | undefined;
      if (group?.case !== field.localName) continue;
      value = group.value;
    } else {
      const key = Object.hasOwn(source, field.localName) ? field.localName : `${field.localName}$`;
      if (!Object.hasOwn(source, key)) continue;
      value = source[key];
    }
    if (value !== undefined && value !== null) out[field.name] = convertEsValue(field, value);
  }
  return out;
}

function convertEsValue(field: FieldPlan, value: unknown): unknown {
  if (!field.message) return value;
  if (field.repeated && Array.isArray(value)) return value.map((item) => convertEsSingle(field, item));
  if (field.map && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as object)) out[key] = convertEsSingle(field, item);
    return out;
  }
  return convertEsSingle(field, value);
}

function convertEsSingle(field: FieldPlan, value: unknown): unknown {
  if (field.wrapper && (typeof value !== "object" || ArrayBuffer.isView(value))) return { value };
  if (typeof value !== "object" || value === null) return value;
  return fromProtobufEsMessage(value, field.message!);
}
