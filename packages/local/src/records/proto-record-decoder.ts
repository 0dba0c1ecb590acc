/**
 * PROTO records: protobuf bytes decoded straight into a row, following the plan a checked descriptor
 * produced. The wire format is read with protobufjs's `Reader`, not a reflected message class, so that
 * int64 values become exact bigints, map entries keep their order and key type, and every problem is
 * reported against the column it concerns.
 */
import protobuf from "protobufjs";
import type { Row, RowValue } from "../schema/delta-type.js";
import { decimalPrecisionProblem, parseDecimalText } from "./decimal-text.js";
import { integralRangeProblem } from "./integer-range.js";
import { childPath, RecordError } from "./record-error.js";
import type { FieldPlan, ProtoScalarType, RecordPlan, ValuePlan } from "./record-plan.js";
import { clip } from "../text/bounded-text.js";
import { mapKeyIdentity } from "./map-key-identity.js";
import { findInvalidUtf8 } from "./utf8-text.js";

type Reader = protobuf.Reader;
type Long = { low: number; high: number };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

const WIRE_OF: Readonly<Record<ProtoScalarType, number>> = {
  int32: WIRE_VARINT,
  sint32: WIRE_VARINT,
  int64: WIRE_VARINT,
  sint64: WIRE_VARINT,
  bool: WIRE_VARINT,
  sfixed32: WIRE_FIXED32,
  float: WIRE_FIXED32,
  sfixed64: WIRE_FIXED64,
  double: WIRE_FIXED64,
  string: WIRE_LENGTH,
  bytes: WIRE_LENGTH,
};

const fieldIndexes = new WeakMap<readonly FieldPlan[], Map<number, FieldPlan>>();

/**
 * Decodes one protobuf-encoded record into a row. Absent optional fields are NULL; absent repeated
 * fields are empty arrays/maps (protobuf cannot tell "empty" from "absent"); unknown field numbers are
 * skipped, as protobuf readers do; a non-repeated field that appears twice keeps its last value (nested
 * messages are not merged). Throws `RecordError` naming the column for an undecodable value, a value
 * that does not fit its column, or a missing required/NOT NULL value.
 */
export function decodeProtoRecord(plan: RecordPlan, bytes: Uint8Array): Row {
  // A Buffer gets protobufjs's native UTF-8 decoding, whose U+FFFD replacements readString looks for.
  const reader = protobuf.Reader.create(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return decodeMessage(reader, bytes.length, plan.fields, "");
}

function decodeMessage(reader: Reader, end: number, fields: readonly FieldPlan[], path: string): Row {
  const index = indexOf(fields);
  const present = new Map<FieldPlan, RowValue>();
  while (reader.pos < end) {
    const tag = readOrFail(reader, path, () => reader.uint32());
    const number = tag >>> 3;
    const wire = tag & 7;
    const field = index.get(number);
    if (number === 0) throw new RecordError(path, "record is not a valid protobuf message (field number 0)");
    if (field === undefined) {
      readOrFail(reader, path, () => reader.skipType(wire));
      continue;
    }
    if (field.label !== "repeated") {
      present.set(field, decodeValue(reader, wire, field.value, field.path));
      continue;
    }
    const list = (present.get(field) as RowValue[] | undefined) ?? [];
    present.set(field, list);
    const elementWire = field.value.kind === "scalar" ? WIRE_OF[field.value.proto] : WIRE_LENGTH;
    if (wire === WIRE_LENGTH && elementWire !== WIRE_LENGTH) {
      // A packed run of numeric elements.
      const runEnd = readOrFail(reader, field.path, () => reader.uint32()) + reader.pos;
      if (runEnd > end) throw new RecordError(field.path, "packed value runs past the end of the record");
      while (reader.pos < runEnd) list.push(decodeValue(reader, elementWire, field.value, childPath(field.path, list.length)));
    } else {
      list.push(decodeValue(reader, wire, field.value, childPath(field.path, list.length)));
    }
  }
  if (reader.pos !== end) throw new RecordError(path, "a value runs past the end of its message");
  const row: Row = {};
  for (const field of fields) {
    const value = present.get(field);
    if (value !== undefined && field.value.kind === "map") refuseRepeatedKeys(value as Array<[RowValue, RowValue]>, field.path);
    if (value !== undefined) row[field.name] = value;
    else if (field.label === "repeated") row[field.name] = [];
    else if (field.label === "required") throw new RecordError(field.path, "required field is missing from the record");
    else if (!field.nullable) throw new RecordError(field.path, "is not nullable but the record has no value for it");
    else row[field.name] = null;
  }
  return row;
}

function decodeValue(reader: Reader, wire: number, plan: ValuePlan, path: string): RowValue {
  if (plan.kind === "scalar") {
    const expected = WIRE_OF[plan.proto];
    if (wire !== expected) throw new RecordError(path, `wire type ${wire} does not match the descriptor's ${plan.proto} field`);
    const raw = readOrFail(reader, path, () => readScalar(reader, plan.proto));
    return toColumnValue(raw, plan, path);
  }
  if (wire !== WIRE_LENGTH) throw new RecordError(path, `wire type ${wire} does not match the descriptor's message field`);
  const length = readOrFail(reader, path, () => reader.uint32());
  const end = reader.pos + length;
  if (end > reader.len) throw new RecordError(path, "message value runs past the end of the record");
  if (plan.kind === "struct") return decodeMessage(reader, end, plan.fields, path);
  return decodeMapEntry(reader, end, plan, path);
}

function decodeMapEntry(reader: Reader, end: number, plan: Extract<ValuePlan, { kind: "map" }>, path: string): [RowValue, RowValue] {
  let key: RowValue | undefined;
  let value: RowValue | undefined;
  while (reader.pos < end) {
    const tag = readOrFail(reader, path, () => reader.uint32());
    if (tag >>> 3 === 1) key = decodeValue(reader, tag & 7, plan.key, `${path}.key`);
    else if (tag >>> 3 === 2) value = decodeValue(reader, tag & 7, plan.value, `${path}.value`);
    else readOrFail(reader, path, () => reader.skipType(tag & 7));
  }
  if (reader.pos !== end) throw new RecordError(path, "map entry runs past its end");
  // Protobuf map entries may omit a key or value that equals its type's default.
  return [key ?? defaultValue(plan.key, path), value ?? defaultValue(plan.value, path)];
}

function defaultValue(plan: ValuePlan, path: string): RowValue {
  if (plan.kind === "struct") return decodeMessage(protobuf.Reader.create(new Uint8Array(0)), 0, plan.fields, path);
  if (plan.kind === "map") return [];
  const zero: Record<ProtoScalarType, unknown> = {
    int32: 0, sint32: 0, sfixed32: 0, int64: 0n, sint64: 0n, sfixed64: 0n, float: 0, double: 0, bool: false, string: "", bytes: new Uint8Array(0),
  };
  return toColumnValue(zero[plan.proto], plan, path);
}

function readScalar(reader: Reader, proto: ProtoScalarType): unknown {
  switch (proto) {
    case "int32":
      return reader.int32();
    case "sint32":
      return reader.sint32();
    case "sfixed32":
      return reader.sfixed32();
    case "int64":
      return longToBigInt(reader.int64());
    case "sint64":
      return longToBigInt(reader.sint64());
    case "sfixed64":
      return longToBigInt(reader.sfixed64());
    case "float":
      return reader.float();
    case "double":
      return reader.double();
    case "bool":
      return reader.bool();
    case "string":
      return readString(reader);
    case "bytes":
      // Copy: the reader's view shares memory with the whole request buffer.
      return new Uint8Array(reader.bytes());
  }
}

/**
 * A string field, refused when its bytes are not valid UTF-8: Node would replace them with U+FFFD and
 * the value would be stored changed. Only a string holding a U+FFFD has its bytes checked.
 */
function readString(reader: Reader): string {
  const start = reader.pos;
  const text = reader.string();
  if (!text.includes("\uFFFD")) return text;
  const again = protobuf.Reader.create(reader.buf);
  again.pos = start;
  const bytes = again.bytes();
  const bad = findInvalidUtf8(text, bytes);
  if (bad === undefined) return text;
  throw new InvalidStringError(`string is not valid UTF-8: byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, "0")} at offset ${bad.byteOffset} of the value`);
}

/** Marks a refusal that must not be reworded as "not valid protobuf" by `readOrFail`. */
class InvalidStringError extends Error {}

function refuseRepeatedKeys(entries: ReadonlyArray<[RowValue, RowValue]>, path: string): void {
  const seen = new Set<string>();
  entries.forEach(([key], i) => {
    const identity = mapKeyIdentity(key);
    if (seen.has(identity)) throw new RecordError(`${childPath(path, i)}.key`, `map key ${clip(identity)} appears more than once in the map`);
    seen.add(identity);
  });
}

/** protobufjs hands back int64 as a Long (two 32-bit halves) when the long library is present. */
function longToBigInt(value: number | Long): bigint {
  if (typeof value === "number") return BigInt(value);
  return BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0));
}

function toColumnValue(raw: unknown, plan: Extract<ValuePlan, { kind: "scalar" }>, path: string): RowValue {
  const type = plan.type;
  if (type.kind === "decimal") {
    let unscaled: bigint;
    if (typeof raw === "string") {
      try {
        unscaled = parseDecimalText(raw, type.precision, type.scale);
      } catch (err) {
        throw new RecordError(path, (err as Error).message, { cause: err });
      }
    } else {
      unscaled = raw as bigint;
    }
    const problem = decimalPrecisionProblem(unscaled, type.precision, type.scale);
    if (problem !== undefined) throw new RecordError(path, problem);
    return unscaled;
  }
  if (type.kind === "primitive" && (type.name === "byte" || type.name === "short")) {
    const problem = integralRangeProblem(type.name, BigInt(raw as number));
    if (problem !== undefined) throw new RecordError(path, problem);
  }
  return raw as RowValue;
}

function indexOf(fields: readonly FieldPlan[]): Map<number, FieldPlan> {
  let index = fieldIndexes.get(fields);
  if (index === undefined) {
    index = new Map(fields.map((f) => [f.number, f]));
    fieldIndexes.set(fields, index);
  }
  return index;
}

/** Turns protobufjs's out-of-range errors (truncated input) into a RecordError naming the column. */
function readOrFail<T>(reader: Reader, path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof RecordError) throw err;
    if (err instanceof InvalidStringError) throw new RecordError(path, err.message);
    const where = path === "" ? "record" : "value";
    throw new RecordError(path, `${where} is not valid protobuf (truncated or malformed at byte ${reader.pos}): ${(err as Error).message}`, { cause: err });
  }
}
