/**
 * The generation rules of PROTOCOL.md §11.3 and §7.5, as one pure step from table columns to a message
 * model that both renderers (`.proto` text and `DescriptorProto`) follow, so the two can never disagree.
 *
 * - proto2; fields numbered 1, 2, … in column order, skipping the reserved range 19000–19999.
 * - Top-level columns: nullable → `optional`, NOT NULL → `required`; arrays → `repeated`; maps → map fields.
 * - Structs → messages nested in the message that uses them, named PascalCase of the field name
 *   (`device_info` → `DeviceInfo`; `Struct<number>` when that is not a valid name; a numeric suffix
 *   when the name is taken); struct fields are always `optional` and numbered from 1.
 * - Types (§7.5): tinyint/smallint/int/date → int32 (dates as days since the epoch); bigint, timestamp
 *   and timestamp_ntz → int64 (microseconds since the epoch, UTC); float; double; boolean → bool;
 *   string, char(n), varchar(n) → string; binary → bytes; variant → string (JSON text).
 *   **decimal → string** holding the decimal text (`"12.34"`): the official generators reject decimals,
 *   and text keeps every digit; the local service accepts it (it also accepts the unscaled value as int64).
 * - Rejected: `array<array<…>>`, `array<map<…>>`, map keys that are not integral, boolean or string
 *   (maps of float, double, binary, struct, array or map keys), map values that are arrays or maps,
 *   interval and other unknown types, names that are not `[A-Za-z_][A-Za-z0-9_]*` or are proto keywords.
 *
 * Every refusal is a `NonRetriableException` naming the column (`column 'info.kind': …`).
 */
import { boundedText } from "../bounded-text.js";
import { NonRetriableException } from "../errors.js";
import type { ColumnField, ColumnType, PrimitiveTypeName, TableColumn } from "./column-type.js";
import { columnTypeText } from "./column-type.js";
import { parseColumnType } from "./parse-column-type.js";

/** The proto2 scalar types columns map to. */
export type ProtoScalar = "int32" | "int64" | "float" | "double" | "bool" | "string" | "bytes";

/** What a field holds (for `repeated` fields, each element; for maps, each value). */
export type ProtoValue = { kind: "scalar"; scalar: ProtoScalar } | { kind: "message"; message: ProtoMessage };

/** One field of a generated message. */
export interface ProtoField {
  name: string;
  number: number;
  /** `map` fields have no label in `.proto` text and are `repeated` entries in a descriptor. */
  label: "optional" | "required" | "repeated" | "map";
  value: ProtoValue;
  /** Map fields only: the key type and the name of the generated `…Entry` message. */
  map?: { key: ProtoScalar; entryName: string };
}

/** A generated message and the struct messages nested in it. */
export interface ProtoMessage {
  name: string;
  fields: ProtoField[];
  nested: ProtoMessage[];
}

/** Names a field may not take (PROTOCOL.md §11.3): proto keywords and scalar type names. */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  "syntax", "import", "option", "package", "message", "enum", "service", "rpc", "returns", "reserved", "to", "max",
  "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
  "sfixed64", "bool", "string", "bytes",
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAP_KEY_SCALARS: ReadonlySet<ProtoScalar> = new Set(["int32", "int64", "bool", "string"]);

/** Builds the message model of a table's columns. Throws `NonRetriableException` naming the column at fault. */
export function buildProtoMessage(columns: readonly ColumnField[], messageName: string): ProtoMessage {
  if (typeof messageName !== "string" || !IDENTIFIER.test(messageName)) {
    throw new NonRetriableException(`message name '${String(messageName)}' must be letters, digits and underscores, not starting with a digit`);
  }
  if (columns.length === 0) throw new NonRetriableException("the table has no columns");
  return buildMessage(messageName, columns, true, "");
}

/** The parsed type of one REST column (`type_text`, else a primitive `type_name`). */
export function tableColumnField(column: TableColumn): ColumnField {
  if (column === null || typeof column !== "object" || typeof column.name !== "string") {
    throw new NonRetriableException(`a table column must be an object with a string 'name', got ${boundedText(String(JSON.stringify(column)), 200)}`);
  }
  const text = column.type_text ?? column.type_name;
  if (typeof text !== "string" || text === "") throw new NonRetriableException(`column '${column.name}' has no type_text`);
  let type: ColumnType;
  try {
    type = parseColumnType(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new NonRetriableException(`column '${column.name}': Unknown column type '${text}': ${reason}`, { cause: err });
  }
  return { name: column.name, type, nullable: column.nullable !== false };
}

function buildMessage(name: string, fields: readonly ColumnField[], topLevel: boolean, path: string): ProtoMessage {
  const message: ProtoMessage = { name, fields: [], nested: [] };
  // Fields, nested types and map entries share one namespace inside a message: reserve the fixed names first.
  const taken = new Set<string>(fields.map((f) => f.name));
  for (const f of fields) if (f.type.kind === "map") taken.add(`${pascalCase(f.name)}Entry`);
  let number = 0;
  for (const field of fields) {
    number = nextFieldNumber(number);
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    checkFieldName(field.name, fieldPath);
    message.fields.push(buildField(field, number, topLevel, fieldPath, message, taken));
  }
  return message;
}

/** The field number after `n`, jumping over 19000–19999 (reserved for the protobuf implementation). */
export function nextFieldNumber(n: number): number {
  const next = n + 1;
  return next >= 19000 && next <= 19999 ? 20000 : next;
}

function buildField(field: ColumnField, number: number, topLevel: boolean, path: string, scope: ProtoMessage, taken: Set<string>): ProtoField {
  const { type } = field;
  const nested = (t: ColumnType) => valueOf(t, field.name, number, path, scope, taken);
  if (type.kind === "array") {
    if (type.element.kind === "array" || type.element.kind === "map") {
      throw new NonRetriableException(`column '${path}': ${columnTypeText(type)} is not supported (arrays of ${type.element.kind}s have no proto2 form)`);
    }
    return { name: field.name, number, label: "repeated", value: nested(type.element) };
  }
  if (type.kind === "map") {
    const key = scalarOf(type.key);
    if (key === undefined || !MAP_KEY_SCALARS.has(key)) {
      throw new NonRetriableException(`column '${path}': ${columnTypeText(type)} is not supported (map keys must be integral, boolean or string)`);
    }
    if (type.value.kind === "array" || type.value.kind === "map") {
      throw new NonRetriableException(`column '${path}': ${columnTypeText(type)} is not supported (map values cannot be ${type.value.kind}s)`);
    }
    return { name: field.name, number, label: "map", value: nested(type.value), map: { key, entryName: `${pascalCase(field.name)}Entry` } };
  }
  const label = topLevel && !field.nullable ? "required" : "optional";
  return { name: field.name, number, label, value: nested(type) };
}

function valueOf(type: ColumnType, fieldName: string, number: number, path: string, scope: ProtoMessage, taken: Set<string>): ProtoValue {
  if (type.kind === "struct") {
    const name = uniqueName(structName(fieldName, number), taken);
    const message = buildMessage(name, type.fields, false, path);
    scope.nested.push(message);
    return { kind: "message", message };
  }
  const scalar = scalarOf(type);
  if (scalar === undefined) throw new NonRetriableException(`column '${path}': ${columnTypeText(type)} cannot be nested here`);
  return { kind: "scalar", scalar };
}

/** The scalar a non-collection type maps to (PROTOCOL.md §7.5), or undefined for arrays, maps and structs. */
export function scalarOf(type: ColumnType): ProtoScalar | undefined {
  switch (type.kind) {
    case "char":
    case "decimal":
      return "string";
    case "primitive":
      return PRIMITIVE_SCALARS[type.name];
    default:
      return undefined;
  }
}

const PRIMITIVE_SCALARS: Readonly<Record<PrimitiveTypeName, ProtoScalar>> = {
  tinyint: "int32", smallint: "int32", int: "int32", date: "int32",
  bigint: "int64", timestamp: "int64", timestamp_ntz: "int64",
  float: "float", double: "double", boolean: "bool", binary: "bytes", string: "string", variant: "string",
};

function checkFieldName(name: string, path: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new NonRetriableException(`column '${path}': the name must be letters, digits and underscores, not starting with a digit`);
  }
  if (RESERVED_FIELD_NAMES.has(name)) throw new NonRetriableException(`column '${path}': '${name}' is a protobuf keyword and cannot name a field`);
}

/** `device_info` → `DeviceInfo`, the way protoc names map entries (capitalize after each underscore). */
export function pascalCase(name: string): string {
  return name
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function structName(fieldName: string, number: number): string {
  const name = pascalCase(fieldName);
  return /^[A-Za-z]/.test(name) ? name : `Struct${number}`;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}
