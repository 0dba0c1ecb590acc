/**
 * The one place that loads protobufjs together with its descriptor extension.
 *
 * The extension patches `toDescriptor`/`fromDescriptor` onto protobufjs' reflection classes and exposes the
 * `google.protobuf` descriptor message types. Importing it through a binding (not a bare side-effect import)
 * keeps bundlers from dropping it, and keeping the import here means the rest of the SDK never depends on
 * the CommonJS interop details of either module.
 */
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor.js";
import type {
  IDescriptorProto,
  IEnumDescriptorProto,
  IFieldDescriptorProto,
  IFileDescriptorProto,
  IFileDescriptorSet,
} from "protobufjs/ext/descriptor.js";

export { protobuf };
export type { IDescriptorProto, IEnumDescriptorProto, IFieldDescriptorProto, IFileDescriptorProto, IFileDescriptorSet };

/** The protobufjs reflection type of one message. */
export type ProtobufType = protobuf.Type;

/** Message types of `google/protobuf/descriptor.proto`, as protobufjs reflection types. */
export const DescriptorTypes = {
  /** `google.protobuf.FileDescriptorSet`. */
  FileDescriptorSet: descriptorExt.FileDescriptorSet as unknown as protobuf.Type,
  /** `google.protobuf.FileDescriptorProto`. */
  FileDescriptorProto: descriptorExt.FileDescriptorProto as unknown as protobuf.Type,
  /** `google.protobuf.DescriptorProto`. */
  DescriptorProto: descriptorExt.DescriptorProto as unknown as protobuf.Type,
};

/** `FieldDescriptorProto.Type` values that name another type through `type_name`. */
export const FIELD_TYPE = { GROUP: 10, MESSAGE: 11, ENUM: 14 } as const;

/** Decodes a serialized `DescriptorProto` into a plain object with camelCase keys. */
export function decodeDescriptorProto(bytes: Uint8Array): IDescriptorProto {
  const message = DescriptorTypes.DescriptorProto.decode(bytes);
  return DescriptorTypes.DescriptorProto.toObject(message, TO_OBJECT) as IDescriptorProto;
}

/** Serializes a `DescriptorProto` given as a plain object. */
export function encodeDescriptorProto(proto: IDescriptorProto): Uint8Array {
  const type = DescriptorTypes.DescriptorProto;
  return type.encode(type.fromObject(proto as Record<string, unknown>)).finish();
}

/** Decodes a serialized `FileDescriptorSet` into plain objects. */
export function decodeFileDescriptorSet(bytes: Uint8Array): IFileDescriptorSet {
  const type = DescriptorTypes.FileDescriptorSet;
  return type.toObject(type.decode(bytes), TO_OBJECT) as IFileDescriptorSet;
}

/** Converts a descriptor message (or plain object) of `type` to a plain object. */
export function toPlainDescriptor<T>(type: protobuf.Type, value: object): T {
  return type.toObject(type.fromObject(value as Record<string, unknown>), TO_OBJECT) as T;
}

// Enums as numbers (what the descriptor fields compare against) and int64 as strings (exact).
const TO_OBJECT: protobuf.IConversionOptions = { enums: Number, longs: String, bytes: Array };
