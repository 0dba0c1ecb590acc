/**
 * Renders the message model as a `google.protobuf.DescriptorProto` (what a PROTO stream sends) and as a
 * `FileDescriptorSet` file (what `protoc --descriptor_set_out` writes), the way protoc would describe the
 * generated `.proto`: fully qualified type names (`.Row.Info`), map fields as repeated `…Entry` messages
 * with `map_entry = true`.
 */
import { DescriptorTypes } from "../descriptor/protobuf-runtime.js";
import type { IDescriptorProto, IFieldDescriptorProto } from "../descriptor/protobuf-runtime.js";
import type { ProtoField, ProtoMessage, ProtoScalar, ProtoValue } from "./proto-message.js";

/** `FieldDescriptorProto.Type` numbers. */
const TYPE_NUMBERS: Readonly<Record<ProtoScalar | "message", number>> = {
  double: 1, float: 2, int64: 3, int32: 5, bool: 8, string: 9, message: 11, bytes: 12,
};

/** `FieldDescriptorProto.Label` numbers. */
const LABEL = { optional: 1, required: 2, repeated: 3 } as const;

/** The self-contained `DescriptorProto` of a top-level message (no package: type names start at the root). */
export function toDescriptorProto(message: ProtoMessage): IDescriptorProto {
  return describeMessage(message, `.${message.name}`);
}

/** Serialized `FileDescriptorSet` holding one proto2 file, `fileName`, that defines `message`. */
export function encodeFileDescriptorSet(message: ProtoMessage, fileName: string): Uint8Array {
  const set = { file: [{ name: fileName, syntax: "proto2", messageType: [toDescriptorProto(message)] }] };
  const type = DescriptorTypes.FileDescriptorSet;
  return type.encode(type.fromObject(set)).finish();
}

function describeMessage(message: ProtoMessage, fullName: string): IDescriptorProto {
  const mapEntries = message.fields.filter((f) => f.map !== undefined).map((f) => describeMapEntry(f, fullName));
  return {
    name: message.name,
    field: message.fields.map((f) => describeField(f, fullName)),
    nestedType: [...message.nested.map((m) => describeMessage(m, `${fullName}.${m.name}`)), ...mapEntries],
  };
}

function describeField(field: ProtoField, scope: string): IFieldDescriptorProto {
  if (field.map !== undefined) {
    return { name: field.name, number: field.number, label: LABEL.repeated, type: TYPE_NUMBERS.message, typeName: `${scope}.${field.map.entryName}` };
  }
  return { name: field.name, number: field.number, label: LABEL[field.label as keyof typeof LABEL], ...valueType(field.value, scope) };
}

function describeMapEntry(field: ProtoField, scope: string): IDescriptorProto {
  const entry = field.map!;
  return {
    name: entry.entryName,
    field: [
      { name: "key", number: 1, label: LABEL.optional, type: TYPE_NUMBERS[entry.key] },
      { name: "value", number: 2, label: LABEL.optional, ...valueType(field.value, scope) },
    ],
    options: { mapEntry: true },
  };
}

// Struct messages are nested in the message declaring the field, so their full name is scope + name.
function valueType(value: ProtoValue, scope: string): Pick<IFieldDescriptorProto, "type" | "typeName"> {
  if (value.kind === "scalar") return { type: TYPE_NUMBERS[value.scalar] };
  return { type: TYPE_NUMBERS.message, typeName: `${scope}.${value.message.name}` };
}
