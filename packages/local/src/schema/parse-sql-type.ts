/**
 * Unity Catalog / Spark SQL type strings and column lists, read into the Delta type model. The SDK's
 * parser does the reading; this adapter maps its model onto Delta's, refuses what Delta tables here
 * cannot hold, and raises {@link SchemaError}s (which the service maps to INVALID_ARGUMENT).
 */
import {
  parseColumnList as parseSdkColumnList,
  parseColumnType,
  type ColumnField,
  type ColumnType,
  type ColumnTypeParseOptions,
  type PrimitiveTypeName,
} from "@zerobus-ts/sdk";
import type { DeltaField, DeltaPrimitiveName, DeltaType } from "./delta-type.js";
import { SchemaError } from "./schema-error.js";
import { assertUniqueFieldNames } from "./unique-field-names.js";

/** Largest decimal precision Delta (and Spark) allow; the SDK's parser enforces the same limit. */
export const MAX_DECIMAL_PRECISION = 38;

// Delta's name for each SDK primitive; `variant` has none (Delta tables here have no variant type).
const DELTA_PRIMITIVES: Readonly<Record<PrimitiveTypeName, DeltaPrimitiveName | undefined>> = {
  tinyint: "byte", smallint: "short", int: "integer", bigint: "long", float: "float", double: "double",
  boolean: "boolean", string: "string", binary: "binary", date: "date", timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz", variant: undefined,
};

/**
 * Parses a Unity Catalog / Spark SQL type string such as `bigint`, `decimal(10,2)`, `varchar(20)`,
 * `array<struct<a:int, b string NOT NULL>>` or `map<string,int>`. Keywords are case-insensitive;
 * `varchar(n)` and `char(n)` become `string`; a bare `decimal` is `decimal(10,0)`. Struct fields are
 * nullable unless marked NOT NULL; arrays and maps may hold nulls.
 *
 * @throws SchemaError naming the text and the position of the first problem.
 */
export function parseSqlType(text: string): DeltaType {
  return toDeltaType(parseColumnType(text, deltaOptions(text)), text);
}

/**
 * Parses a column list such as `"device_name STRING, temp INT NOT NULL, tags ARRAY<STRING>"` into
 * fields. Columns are nullable unless marked NOT NULL; `COMMENT '…'` goes into the field metadata.
 *
 * @throws SchemaError on a syntax error, an unknown type or a duplicate column name.
 */
export function parseColumnList(sql: string): DeltaField[] {
  const fields = parseSdkColumnList(sql, deltaOptions(sql)).map((field) => toDeltaField(field, sql));
  assertUniqueFieldNames(fields, sql);
  return fields;
}

// Makes the SDK's parser raise SchemaErrors, and refuse, where they are written, the types it reads
// but Delta cannot hold: variant, and structs whose field names clash (Spark ignores case in names).
// A struct's fields are converted for its check and again for the result: schemas are small, and it
// keeps the one naming rule in unique-field-names.ts.
function deltaOptions(text: string): ColumnTypeParseOptions {
  return {
    check(type: ColumnType, position: number): void {
      if (type.kind === "primitive") deltaPrimitive(type.name, text, position);
      if (type.kind === "struct") assertUniqueFieldNames(type.fields.map((field) => toDeltaField(field, text)), text, position);
    },
    error: (reason: string, position?: number) => new SchemaError(reason, { text, position }),
  };
}

function deltaPrimitive(name: PrimitiveTypeName, text: string, position?: number): DeltaPrimitiveName {
  const delta = DELTA_PRIMITIVES[name];
  if (delta === undefined) throw new SchemaError(`Unsupported type "${name}"`, { text, position, unsupportedType: name });
  return delta;
}

// Spark's model has no char(n) or varchar(n): Delta stores them as string, and the length is not enforced.
function toDeltaType(type: ColumnType, text: string): DeltaType {
  switch (type.kind) {
    case "primitive":
      return { kind: "primitive", name: deltaPrimitive(type.name, text) };
    case "char":
      return { kind: "primitive", name: "string" };
    case "decimal":
      return { kind: "decimal", precision: type.precision, scale: type.scale };
    case "array":
      return { kind: "array", elementType: toDeltaType(type.element, text), containsNull: true };
    case "map":
      return { kind: "map", keyType: toDeltaType(type.key, text), valueType: toDeltaType(type.value, text), valueContainsNull: true };
    case "struct":
      return { kind: "struct", fields: type.fields.map((field) => toDeltaField(field, text)) };
  }
}

function toDeltaField(field: ColumnField, text: string): DeltaField {
  const metadata = field.comment === undefined ? {} : { comment: field.comment };
  return { name: field.name, type: toDeltaType(field.type, text), nullable: field.nullable, metadata };
}
