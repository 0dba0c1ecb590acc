/**
 * The column types of Unity Catalog tables, as the schema → proto generator sees them: what a column's
 * `type_text` (`bigint`, `array<struct<a:int>>`, `varchar(10)`, …) describes, and the column as the
 * Unity Catalog REST API returns it.
 */

/** Unity Catalog / Spark SQL primitive types, by their canonical `type_text` spelling. */
export type PrimitiveTypeName =
  | "tinyint"
  | "smallint"
  | "int"
  | "bigint"
  | "float"
  | "double"
  | "boolean"
  | "string"
  | "binary"
  | "date"
  | "timestamp"
  | "timestamp_ntz"
  | "variant";

/**
 * One column type, parsed from its SQL text by `parseColumnType`. `char` covers `char(n)` and
 * `varchar(n)` (strings with a length limit); `struct` fields are {@link ColumnField}s.
 */
export type ColumnType =
  | { kind: "primitive"; name: PrimitiveTypeName }
  | { kind: "char"; varying: boolean; length: number }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "array"; element: ColumnType }
  | { kind: "map"; key: ColumnType; value: ColumnType }
  | { kind: "struct"; fields: ColumnField[] };

/** A named column or struct field with its parsed type. */
export interface ColumnField {
  /** The column or field name, as written (backquotes removed). */
  name: string;
  /** The parsed type. */
  type: ColumnType;
  /** False for `NOT NULL`. */
  nullable: boolean;
  /** `COMMENT '…'`, when given. */
  comment?: string;
}

/**
 * A column as the Unity Catalog REST API returns it (`GET /api/2.1/unity-catalog/tables/{name}`, the
 * `columns` array). Only `name`, `type_text` and `nullable` matter to the generator, as in the official
 * generators (PROTOCOL.md §11.2); `type_name` stands in for a missing `type_text` on primitive columns.
 */
export interface TableColumn {
  /** The column name. */
  name: string;
  /** The SQL type, e.g. `int`, `array<string>`, `struct<a:int,b:string>`. */
  type_text?: string;
  /** Unity Catalog's type name, e.g. `INT`, `ARRAY`; used only when `type_text` is missing. */
  type_name?: string;
  /** False for NOT NULL columns. Default true. */
  nullable?: boolean;
  /** The 0-based column position. */
  position?: number;
  /** The column comment. */
  comment?: string;
}

/** The canonical `type_text` of a type: lower-case keywords, no spaces (`struct<a:int,b:string NOT NULL>`). */
export function columnTypeText(type: ColumnType): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "char":
      return `${type.varying ? "varchar" : "char"}(${type.length})`;
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "array":
      return `array<${columnTypeText(type.element)}>`;
    case "map":
      return `map<${columnTypeText(type.key)},${columnTypeText(type.value)}>`;
    case "struct":
      return `struct<${type.fields.map(structFieldText).join(",")}>`;
  }
}

function structFieldText(field: ColumnField): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name) ? field.name : "`" + field.name.replace(/`/g, "``") + "`";
  return `${name}:${columnTypeText(field.type)}${field.nullable ? "" : " NOT NULL"}`;
}
