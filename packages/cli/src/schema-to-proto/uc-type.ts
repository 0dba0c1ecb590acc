/**
 * The column type model of Unity Catalog tables as the proto generator and `tables create` see them:
 * what a column's `type_text` (`bigint`, `array<struct<a:int>>`, `varchar(10)`, …) describes.
 */

/** UC / Spark SQL primitive types, by their canonical `type_text` spelling. */
export type UcPrimitiveName =
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

/** One column type. */
export type UcType =
  | { kind: "primitive"; name: UcPrimitiveName }
  /** `char(n)` and `varchar(n)`: strings with a length limit. */
  | { kind: "char"; varying: boolean; length: number }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "array"; element: UcType }
  | { kind: "map"; key: UcType; value: UcType }
  | { kind: "struct"; fields: UcField[] };

/** A named column or struct field. */
export interface UcField {
  name: string;
  type: UcType;
  /** False for `NOT NULL`. */
  nullable: boolean;
  /** `COMMENT '…'`, when given. */
  comment?: string;
}

/**
 * A column as the Unity Catalog REST API returns it (`GET /api/2.1/unity-catalog/tables/{name}`).
 * Only `name`, `type_text` and `nullable` are relied upon, as in the official generators (PROTOCOL.md
 * §11.2); `type_name` stands in for a missing `type_text` on primitive columns.
 */
export interface UcColumn {
  name: string;
  type_text?: string;
  type_name?: string;
  /** Default true. */
  nullable?: boolean;
  position?: number;
  comment?: string;
}

/** The canonical `type_text` of a type: lower-case keywords, no spaces (`struct<a:int,b:string NOT NULL>`). */
export function typeText(type: UcType): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "char":
      return `${type.varying ? "varchar" : "char"}(${type.length})`;
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "array":
      return `array<${typeText(type.element)}>`;
    case "map":
      return `map<${typeText(type.key)},${typeText(type.value)}>`;
    case "struct":
      return `struct<${type.fields.map(structFieldText).join(",")}>`;
  }
}

function structFieldText(field: UcField): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name) ? field.name : "`" + field.name.replace(/`/g, "``") + "`";
  return `${name}:${typeText(field.type)}${field.nullable ? "" : " NOT NULL"}`;
}
