/**
 * Checks a PROTO stream's `descriptor_proto` against the table it writes, and turns it into the plan the
 * record decoder follows.
 */
import descriptorProto from "protobufjs/ext/descriptor.js";
import type { IDescriptorProto, IFieldDescriptorProto } from "protobufjs/ext/descriptor.js";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import type { SchemaCause } from "../schema/schema-cause.js";
import { toTypeText } from "../schema/spark-schema.js";
import { buildMessageTree, findFieldClash, findUnresolvedField, type MessageNode, resolveTypeName, TYPE_GROUP, TYPE_MESSAGE } from "./descriptor-tree.js";
import { childPath } from "./record-error.js";
import type { FieldPlan, ProtoScalarType, RecordPlan, ValuePlan } from "./record-plan.js";
import { clip, LIST_MAX_ITEMS } from "../text/bounded-text.js";

/** Why a descriptor was refused: the service maps each kind to its error code. */
export type DescriptorProblem = "malformed" | "not-self-contained" | "mismatch";

/** A descriptor the table cannot accept; `message` explains it and names the column involved. */
export class DescriptorError extends Error {
  override readonly name = "DescriptorError";
  constructor(
    message: string,
    readonly problem: DescriptorProblem,
    /** For a mismatch, what kind of mismatch (the ErrorInfo causes the service reports). */
    readonly causes: readonly SchemaCause[] = [],
  ) {
    super(message);
  }
}

/** descriptor.proto type numbers of the scalar types a column may use. */
const SCALAR_BY_NUMBER: Readonly<Record<number, ProtoScalarType>> = {
  1: "double",
  2: "float",
  3: "int64",
  5: "int32",
  8: "bool",
  9: "string",
  12: "bytes",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};
const OTHER_TYPE_NAMES: Readonly<Record<number, string>> = { 4: "uint64", 6: "fixed64", 7: "fixed32", 10: "group", 11: "message", 13: "uint32", 14: "enum" };
const INT32S: readonly ProtoScalarType[] = ["int32", "sint32", "sfixed32"];
const INT64S: readonly ProtoScalarType[] = ["int64", "sint64", "sfixed64"];

/** Which protobuf scalar types each column type accepts (PROTOCOL.md §7.5; decimals as text or unscaled int64). */
function acceptedScalars(type: DeltaType): readonly ProtoScalarType[] | undefined {
  if (type.kind === "decimal") return ["string", ...INT64S];
  if (type.kind !== "primitive") return undefined;
  switch (type.name) {
    case "byte":
    case "short":
    case "integer":
    case "date":
      return INT32S;
    case "long":
    case "timestamp":
    case "timestamp_ntz":
      return INT64S;
    case "float":
      return ["float"];
    case "double":
      return ["double"];
    case "boolean":
      return ["bool"];
    case "string":
      return ["string"];
    case "binary":
      return ["bytes"];
  }
}

/**
 * Parses `descriptor_proto` (a serialized `google.protobuf.DescriptorProto`) and checks it against the
 * table's columns. The rules:
 *
 * - Well-formed: within a message, field numbers (1..2^29-1) and names (case-insensitively) are unique.
 * - Self-contained: every message or enum `type_name` must resolve to the root or one of its nested types
 *   (any package prefix is accepted). Otherwise: "Proto not self-contained for field <f> with type name <t>".
 * - One field per column and one column per field, matched by name (case-insensitively, as Delta column
 *   names are), in any order and with any field numbers.
 * - Types per PROTOCOL.md §7.5: int32 (or sint32/sfixed32) for tinyint, smallint, int and date; int64
 *   (or sint64/sfixed64) for bigint, timestamp and timestamp_ntz; float; double; string; bool; bytes for
 *   binary; a nested message for a struct (checked recursively); `repeated` for an array; a map entry for
 *   a map. Decimal columns take a string holding decimal text, or an int64 holding the unscaled value.
 *   Enums, unsigned and fixed-width unsigned types are refused: their values have no column type.
 * - Labels: a NOT NULL column needs `required`; a nullable column takes `optional` (or `required`, which
 *   only promises more). Struct fields may always be `optional` (the generators emit them that way); a
 *   record that then leaves a NOT NULL struct field empty is refused when it arrives.
 *
 * Throws `DescriptorError` whose message names the offending column.
 */
export function checkDescriptor(bytes: Uint8Array, columns: readonly DeltaField[]): RecordPlan {
  let root: IDescriptorProto;
  try {
    root = descriptorProto.DescriptorProto.decode(bytes) as IDescriptorProto;
  } catch (err) {
    throw new DescriptorError(`descriptor_proto is not a valid DescriptorProto: ${(err as Error).message}`, "malformed");
  }
  if (!root.name) throw new DescriptorError("descriptor_proto has no message name", "malformed");
  const tree = buildMessageTree(root);
  const unresolved = findUnresolvedField(tree);
  if (unresolved !== undefined) {
    throw new DescriptorError(
      `Proto not self-contained for field ${unresolved.field.name ?? ""} with type name ${unresolved.typeName}`,
      "not-self-contained",
    );
  }
  const clash = findFieldClash(tree);
  if (clash !== undefined) throw new DescriptorError(clash, "mismatch");
  return { messageName: tree.name, fields: matchMessage(tree, tree, columns, "", true) };
}

function matchMessage(node: MessageNode, root: MessageNode, columns: readonly DeltaField[], path: string, topLevel: boolean): FieldPlan[] {
  const protoFields = node.descriptor.field ?? [];
  const byName = new Map<string, IFieldDescriptorProto>();
  for (const f of protoFields) byName.set((f.name ?? "").toLowerCase(), f);
  const problems: string[] = [];
  const causes: SchemaCause[] = [];
  const missing = columns.filter((c) => !byName.has(c.name.toLowerCase()));
  for (const c of missing) {
    problems.push(`column '${childPath(path, clip(c.name))}' has no field in the descriptor`);
    causes.push(c.nullable ? "FIELD_COUNT_MISMATCH" : "MISSING_REQUIRED_COLUMN");
  }
  const columnNames = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const f of protoFields) {
    if (!columnNames.has((f.name ?? "").toLowerCase())) {
      problems.push(`field '${childPath(path, clip(f.name ?? ""))}' in the descriptor is not a column of the table`);
      causes.push("FIELD_NOT_IN_TABLE");
    }
  }
  if (problems.length > 0) {
    const where = path === "" ? `the table's ${columns.length} column(s)` : `struct column '${path}' (${columns.length} field(s))`;
    // Named up to a few: a descriptor with 10,000 unknown fields must still get a status that fits in trailers.
    const shown = problems.slice(0, LIST_MAX_ITEMS).join("; ");
    const more = problems.length > LIST_MAX_ITEMS ? `; … (${problems.length} problems in all)` : "";
    throw mismatch(`Descriptor '${clip(node.name)}' has ${protoFields.length} field(s) but ${where} do not match it: ${shown}${more}`, causes);
  }
  return columns.map((column) => {
    const field = byName.get(column.name.toLowerCase()) as IFieldDescriptorProto;
    return matchField(field, column, node, root, childPath(path, column.name), topLevel);
  });
}

function matchField(field: IFieldDescriptorProto, column: DeltaField, scope: MessageNode, root: MessageNode, path: string, topLevel: boolean): FieldPlan {
  const label = field.label === 2 ? "required" : field.label === 3 ? "repeated" : "optional";
  const collection = column.type.kind === "array" || column.type.kind === "map";
  if (collection && label !== "repeated") {
    throw mismatch(`column '${path}' is ${toTypeText(column.type)}, so its field must be repeated, not ${label}`);
  }
  if (!collection && label === "repeated") {
    throw mismatch(`column '${path}' is ${toTypeText(column.type)}, so its field cannot be repeated`);
  }
  if (topLevel && !column.nullable && label === "optional") {
    throw mismatch(`column '${path}' is NOT NULL, so its field must be required, not optional`);
  }
  let value: ValuePlan;
  if (column.type.kind === "array") {
    value = matchValue(field, column.type.elementType, scope, root, `${path}[]`);
  } else if (column.type.kind === "map") {
    value = matchMapEntry(field, column.type, scope, root, path);
  } else {
    value = matchValue(field, column.type, scope, root, path);
  }
  return { name: column.name, path, number: field.number ?? 0, label, nullable: column.nullable, value };
}

function matchValue(field: IFieldDescriptorProto, type: DeltaType, scope: MessageNode, root: MessageNode, path: string): ValuePlan {
  if (type.kind === "array" || type.kind === "map") {
    throw mismatch(`column '${path}' is ${toTypeText(type)} inside a collection, which protobuf cannot express`);
  }
  if (type.kind === "struct") {
    const node = messageOf(field, scope, root);
    if (node === undefined || node.isMapEntry) {
      throw mismatch(`column '${path}' is a struct, so its field must be a nested message, not ${protoTypeName(field)}`);
    }
    return { kind: "struct", fields: matchMessage(node, root, type.fields, path.replace(/\[\]$/, ""), false) };
  }
  const accepted = acceptedScalars(type) ?? [];
  const scalar = field.type === undefined || field.type === null ? undefined : SCALAR_BY_NUMBER[field.type];
  if (scalar === undefined || !accepted.includes(scalar)) {
    throw mismatch(`column '${path}' is ${toTypeText(type)}, so its field must be ${accepted.join(" or ")}, not ${protoTypeName(field)}`);
  }
  return { kind: "scalar", proto: scalar, type };
}

function matchMapEntry(field: IFieldDescriptorProto, type: Extract<DeltaType, { kind: "map" }>, scope: MessageNode, root: MessageNode, path: string): ValuePlan {
  const entry = messageOf(field, scope, root);
  if (entry === undefined || !entry.isMapEntry) {
    throw mismatch(`column '${path}' is ${toTypeText(type)}, so its field must be a protobuf map, not repeated ${protoTypeName(field)}`);
  }
  const keyField = entry.descriptor.field?.find((f) => f.number === 1);
  const valueField = entry.descriptor.field?.find((f) => f.number === 2);
  if (keyField === undefined || valueField === undefined) {
    throw mismatch(`column '${path}': map entry '${entry.name}' needs a key (field 1) and a value (field 2)`);
  }
  if (type.keyType.kind !== "primitive" && type.keyType.kind !== "decimal") {
    throw mismatch(`column '${path}' has map keys of type ${toTypeText(type.keyType)}, which protobuf cannot express`);
  }
  return {
    kind: "map",
    key: matchValue(keyField, type.keyType, entry, root, `${path}.key`),
    value: matchValue(valueField, type.valueType, entry, root, `${path}.value`),
    valueNullable: type.valueContainsNull,
  };
}

function messageOf(field: IFieldDescriptorProto, scope: MessageNode, root: MessageNode): MessageNode | undefined {
  if (field.type === TYPE_GROUP || !field.typeName) return undefined;
  const resolved = resolveTypeName(field.typeName, scope, root);
  return resolved?.kind === "message" && (field.type === TYPE_MESSAGE || field.type == null) ? resolved.node : undefined;
}

function protoTypeName(field: IFieldDescriptorProto): string {
  const t = field.type ?? 0;
  const name = SCALAR_BY_NUMBER[t] ?? OTHER_TYPE_NAMES[t] ?? `type ${t}`;
  return field.typeName && (t === 11 || t === 14) ? `${name} ${field.typeName}` : name;
}

function mismatch(text: string, causes: readonly SchemaCause[] = ["TYPE_INCOMPATIBLE"]): DescriptorError {
  return new DescriptorError(text, "mismatch", causes);
}
