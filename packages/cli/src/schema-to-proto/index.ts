/**
 * Table schema → protobuf generation (PROTOCOL.md §11.3): pure functions from Unity Catalog columns to
 * `.proto` text or a `DescriptorProto`. Meant to move into `@zerobus-ts/sdk` so applications can use it too.
 */
import type { IDescriptorProto } from "protobufjs/ext/descriptor.js";
import { encodeFileDescriptorSet, toDescriptorProto } from "./proto-descriptor.js";
import { buildProtoMessage } from "./proto-message.js";
import { renderProtoText } from "./proto-text.js";
import type { UcColumn } from "./uc-type.js";

export { encodeDescriptorProto } from "./proto-descriptor.js";
export {
  buildProtoMessage,
  columnField,
  nextFieldNumber,
  pascalCase,
  ProtoSchemaError,
  RESERVED_FIELD_NAMES,
  type ProtoField,
  type ProtoMessage,
  type ProtoScalar,
  type ProtoValue,
} from "./proto-message.js";
export { MAX_TYPE_DEPTH, parseColumnList, parseTypeText, SqlTypeError } from "./parse-type-text.js";
export { typeText, type UcColumn, type UcField, type UcPrimitiveName, type UcType } from "./uc-type.js";

/**
 * The proto2 source of a message for a table's columns (see `buildProtoMessage` for the rules).
 *
 * @throws ProtoSchemaError naming the column that has no proto2 form.
 */
export function columnsToProtoText(columns: readonly UcColumn[], messageName: string): string {
  return renderProtoText(buildProtoMessage(columns, messageName));
}

/**
 * The self-contained `DescriptorProto` (protobufjs plain-object form) of the same message: serialize it
 * with `encodeDescriptorProto` for a stream's descriptor.
 *
 * @throws ProtoSchemaError naming the column that has no proto2 form.
 */
export function columnsToDescriptor(columns: readonly UcColumn[], messageName: string): IDescriptorProto {
  return toDescriptorProto(buildProtoMessage(columns, messageName));
}

/**
 * A serialized `FileDescriptorSet` (as `protoc --descriptor_set_out` writes) with one file, `fileName`,
 * defining the message; `loadDescriptorProto` and `zerobus ingest --descriptor` read it.
 */
export function columnsToDescriptorSet(columns: readonly UcColumn[], messageName: string, fileName = `${messageName}.proto`): Uint8Array {
  return encodeFileDescriptorSet(buildProtoMessage(columns, messageName), fileName);
}
