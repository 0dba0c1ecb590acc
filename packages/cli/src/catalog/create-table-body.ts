/**
 * The body of a Unity Catalog create-table request (`POST /api/2.1/unity-catalog/tables`) built from a
 * SQL column list: a managed Delta table whose columns carry `type_text`, `type_name`, `type_json` (the
 * Spark JSON of the field), `nullable` and `position`, as Databricks expects them.
 */
import { columnTypeText, parseColumnList, type ColumnField, type ColumnType, type PrimitiveTypeName } from "@zerobus-ts/sdk";
import type { TableName } from "../table-name.js";

// Spark's JSON names of the primitives (type_json), and UC's ColumnTypeName of each (type_name).
const SPARK_NAME: Readonly<Record<PrimitiveTypeName, string>> = {
  tinyint: "byte", smallint: "short", int: "integer", bigint: "long", float: "float", double: "double",
  boolean: "boolean", string: "string", binary: "binary", date: "date", timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz", variant: "variant",
};
const TYPE_NAME: Readonly<Record<PrimitiveTypeName, string>> = {
  tinyint: "BYTE", smallint: "SHORT", int: "INT", bigint: "LONG", float: "FLOAT", double: "DOUBLE",
  boolean: "BOOLEAN", string: "STRING", binary: "BINARY", date: "DATE", timestamp: "TIMESTAMP",
  timestamp_ntz: "TIMESTAMP_NTZ", variant: "VARIANT",
};

/**
 * Builds the request body. `columns` is a SQL column list such as `"device_name STRING NOT NULL, temp
 * INT COMMENT 'celsius'"`.
 *
 * @throws NonRetriableException (the SDK's) when the column list does not parse.
 */
export function createTableBody(name: TableName, columns: string): Record<string, unknown> {
  return {
    name: name.table,
    catalog_name: name.catalog,
    schema_name: name.schema,
    table_type: "MANAGED",
    data_source_format: "DELTA",
    columns: parseColumnList(columns).map(ucColumn),
  };
}

function ucColumn(field: ColumnField, position: number): Record<string, unknown> {
  return {
    name: field.name,
    type_text: columnTypeText(field.type),
    type_name: typeName(field.type),
    type_json: JSON.stringify(sparkField(field)),
    ...(field.type.kind === "decimal" ? { type_precision: field.type.precision, type_scale: field.type.scale } : {}),
    nullable: field.nullable,
    position,
    ...(field.comment !== undefined ? { comment: field.comment } : {}),
  };
}

function typeName(type: ColumnType): string {
  switch (type.kind) {
    case "primitive":
      return TYPE_NAME[type.name];
    case "char":
      return type.varying ? "STRING" : "CHAR";
    default:
      return type.kind.toUpperCase();
  }
}

/** A Spark StructField as JSON: `{ name, type, nullable, metadata }`. */
function sparkField(field: ColumnField): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (field.comment !== undefined) metadata["comment"] = field.comment;
  // Spark stores char/varchar as string and remembers the declared type in the field metadata.
  if (field.type.kind === "char") metadata["__CHAR_VARCHAR_TYPE_STRING"] = columnTypeText(field.type);
  return { name: field.name, type: sparkType(field.type), nullable: field.nullable, metadata };
}

function sparkType(type: ColumnType): unknown {
  switch (type.kind) {
    case "primitive":
      return SPARK_NAME[type.name];
    case "char":
      return "string";
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "array":
      return { type: "array", elementType: sparkType(type.element), containsNull: true };
    case "map":
      return { type: "map", keyType: sparkType(type.key), valueType: sparkType(type.value), valueContainsNull: true };
    case "struct":
      return { type: "struct", fields: type.fields.map(sparkField) };
  }
}
