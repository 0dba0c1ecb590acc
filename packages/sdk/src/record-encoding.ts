/**
 * Record encoding: turns what the application passes to `ingestRecord*` into the bytes of one wire record,
 * checking it against the stream's record type before anything is sent (PROTOCOL.md §7.1).
 *
 * The kind of a record is decided with the cheapest checks first (Uint8Array, then string, then objects),
 * and the encoder closes over its descriptor once, so the per-record path allocates nothing extra for
 * bytes and strings.
 */
import { boundedText } from "./bounded-text.js";
import type { ResolvedDescriptor } from "./descriptor/resolve-descriptor.js";
import { NonRetriableException } from "./errors.js";
import { checkPlainObject, fromProtobufEsMessage } from "./proto-object.js";
import type { RecordFormat } from "./record-type.js";

/**
 * One record ready for the wire: protobuf bytes, or JSON text. JSON stays a string until it is written into
 * the request envelope, which saves a UTF-8 copy per record.
 */
export type EncodedRecord = Uint8Array | string;

/** Encodes one record; `index` (its position in a batch) only improves error messages. */
export type RecordEncoder = (record: unknown, index?: number) => EncodedRecord;

/**
 * Creates the encoder of a stream.
 *
 * PROTO streams accept bytes (Uint8Array/Buffer, passed through without a copy), protobufjs messages
 * (`Ctor.encode`), protobuf-es v1 messages (`toBinary()`), protobuf-es v2 messages (`$typeName`) and plain
 * objects keyed by .proto field names; the last two need `descriptor`. int64 values may be bigint, integer
 * numbers or decimal strings and are encoded exactly.
 *
 * JSON streams accept strings (sent as they are, not validated) and objects or arrays, serialized with
 * `JSON.stringify` except that bigint values become plain JSON integers, without losing precision.
 *
 * A record of the wrong kind is a {@link NonRetriableException}: `Record <index>: expected … for a PROTO
 * stream, got <kind>`.
 */
export function createRecordEncoder(recordType: RecordFormat, descriptor?: ResolvedDescriptor): RecordEncoder {
  if (recordType === "json") return encodeJsonRecord;
  return (record, index) => encodeProtoRecord(record, index, descriptor);
}

const PROTO_EXPECTED = "a Uint8Array, a protobuf message or a plain object";
const JSON_EXPECTED = "a string or an object";

function encodeProtoRecord(record: unknown, index: number | undefined, descriptor?: ResolvedDescriptor): Uint8Array {
  if (record instanceof Uint8Array) return record;
  if (typeof record !== "object" || record === null) throw mismatch(index, PROTO_EXPECTED, "PROTO", record);
  const message = record as { toBinary?: unknown; $typeName?: unknown; constructor?: unknown };
  if (typeof message.toBinary === "function") return (message.toBinary as () => Uint8Array).call(record);
  const ctor = message.constructor as { encode?: unknown } | undefined;
  if (ctor && ctor !== Object && typeof ctor.encode === "function") {
    return (ctor.encode as (m: unknown) => { finish(): Uint8Array })(record).finish();
  }
  if (typeof message.$typeName === "string") return encodeProtobufEs(record, message.$typeName, index, descriptor);
  if (!isPlainObject(record)) throw mismatch(index, PROTO_EXPECTED, "PROTO", record);
  if (!descriptor) throw new NonRetriableException(`${prefix(index)}a descriptor is required to encode plain objects for a PROTO stream; pass one in TableProperties, or ingest encoded bytes or protobuf messages`);
  const problem = checkPlainObject(record, descriptor.messageType);
  if (problem) throw new NonRetriableException(`${prefix(index)}${boundedText(problem)}`);
  return encodeWith(descriptor, record, index);
}

function encodeProtobufEs(
  record: object,
  typeName: string,
  index: number | undefined,
  descriptor: ResolvedDescriptor | undefined,
): Uint8Array {
  if (!descriptor) {
    throw new NonRetriableException(`${prefix(index)}a descriptor is required to encode protobuf-es message '${typeName}'; pass its DescMessage in TableProperties`);
  }
  if (simpleName(typeName) !== simpleName(descriptor.messageName)) {
    throw new NonRetriableException(`${prefix(index)}protobuf-es message '${typeName}' does not match the stream's message '${descriptor.messageName}'`);
  }
  return encodeWith(descriptor, fromProtobufEsMessage(record, descriptor.messageType), index);
}

function encodeWith(descriptor: ResolvedDescriptor, value: object, index: number | undefined): Uint8Array {
  const type = descriptor.messageType;
  try {
    return type.encode(type.fromObject(value)).finish();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    throw new NonRetriableException(`${prefix(index)}cannot encode as ${descriptor.messageName}: ${boundedText(text)}`, { cause: err });
  }
}

function encodeJsonRecord(record: unknown, index?: number): string {
  if (typeof record === "string") return record;
  if (typeof record !== "object" || record === null || ArrayBuffer.isView(record) || record instanceof ArrayBuffer) {
    throw mismatch(index, JSON_EXPECTED, "JSON", record);
  }
  return stringifyJson(record, index);
}

// Per-process random, so a user string can only collide with a bigint placeholder by design, never by chance.
const BIGINT_MARK = `@zerobus-bigint-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}:`;
const BIGINT_PLACEHOLDER = new RegExp(`"${BIGINT_MARK}(-?\\d+)"`, "g");
const bigintReplacer = (_key: string, value: unknown): unknown =>
  typeof value === "bigint" ? `${BIGINT_MARK}${value}` : value;

function stringifyJson(record: object, index: number | undefined): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(record);
  } catch (err) {
    if (!(err instanceof TypeError && /bigint/i.test(err.message))) throw notJson(index, err);
    // Rare path: only records holding bigints pay for the replacer and the placeholder substitution.
    try {
      text = JSON.stringify(record, bigintReplacer)?.replace(BIGINT_PLACEHOLDER, "$1");
    } catch (inner) {
      throw notJson(index, inner);
    }
  }
  if (text === undefined) throw notJson(index, new Error("JSON.stringify returned nothing"));
  return text;
}

function notJson(index: number | undefined, err: unknown): NonRetriableException {
  const text = err instanceof Error ? err.message : String(err);
  return new NonRetriableException(`${prefix(index)}cannot be serialized as JSON: ${boundedText(text)}`, { cause: err });
}

function mismatch(index: number | undefined, expected: string, stream: string, record: unknown): NonRetriableException {
  return new NonRetriableException(`${prefix(index)}expected ${expected} for a ${stream} stream, got ${kindOf(record)}`);
}

function prefix(index: number | undefined): string {
  return index === undefined ? "Record: " : `Record ${index}: `;
}

/** A short description of a value's kind for error messages: `string`, `null`, `array`, `Buffer`, `Date`… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object" || typeof value === "function") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object" && name !== "Function" ? name : typeof value;
  }
  return typeof value;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function simpleName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}
