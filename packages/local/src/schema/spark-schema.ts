import type { DeltaField, DeltaPrimitiveName, DeltaType } from "./delta-type.js";
import { MAX_DECIMAL_PRECISION } from "./parse-sql-type.js";
import { SchemaError } from "./schema-error.js";
import { assertUniqueFieldNames } from "./unique-field-names.js";

const PRIMITIVES: ReadonlySet<string> = new Set<DeltaPrimitiveName>([
  "byte", "short", "integer", "long", "float", "double", "boolean",
  "string", "binary", "date", "timestamp", "timestamp_ntz",
]);

// UC `type_text` spellings of the primitives (what `DESCRIBE` and the catalog API show).
const TYPE_TEXT: Readonly<Record<DeltaPrimitiveName, string>> = {
  byte: "tinyint", short: "smallint", integer: "int", long: "bigint", float: "float", double: "double",
  boolean: "boolean", string: "string", binary: "binary", date: "date", timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz",
};

// UC `type_name` (ColumnTypeName) of the primitives.
const TYPE_NAME: Readonly<Record<DeltaPrimitiveName, string>> = {
  byte: "BYTE", short: "SHORT", integer: "INT", long: "LONG", float: "FLOAT", double: "DOUBLE",
  boolean: "BOOLEAN", string: "STRING", binary: "BINARY", date: "DATE", timestamp: "TIMESTAMP",
  timestamp_ntz: "TIMESTAMP_NTZ",
};

/** A Spark JSON data type: a primitive name (`"long"`, `"decimal(10,2)"`) or a nested object. */
export type SparkTypeJson = string | { [key: string]: unknown };

/** Serializes the table's columns as a Delta `schemaString` (Spark's JSON schema of a struct). */
export function toSparkSchemaJson(fields: readonly DeltaField[]): string {
  return JSON.stringify({ type: "struct", fields: fields.map(toTypeJsonValue) });
}

/** The Spark JSON of one field, `{"name","type","nullable","metadata"}`: UC's `type_json`. */
export function toTypeJson(field: DeltaField): string {
  return JSON.stringify(toTypeJsonValue(field));
}

function toTypeJsonValue(field: DeltaField): Record<string, unknown> {
  return { name: field.name, type: typeToJson(field.type), nullable: field.nullable, metadata: field.metadata };
}

/** The Spark JSON of a data type (a string for primitives and decimals, an object otherwise). */
export function typeToJson(type: DeltaType): SparkTypeJson {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "struct":
      return { type: "struct", fields: type.fields.map(toTypeJsonValue) };
    case "array":
      return { type: "array", elementType: typeToJson(type.elementType), containsNull: type.containsNull };
    case "map":
      return {
        type: "map",
        keyType: typeToJson(type.keyType),
        valueType: typeToJson(type.valueType),
        valueContainsNull: type.valueContainsNull,
      };
  }
}

/**
 * Parses a Delta `schemaString` into the table's fields, keeping each field's metadata (comments,
 * column-mapping ids and physical names, …) as written.
 *
 * @throws SchemaError on invalid JSON, a non-struct root, or a type this service does not support
 * (variant, void, interval, user-defined types).
 */
export function parseSparkSchema(schemaString: string): DeltaField[] {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (cause) {
    throw new SchemaError("schemaString is not valid JSON", { text: schemaString, cause });
  }
  const type = parseTypeJson(json, schemaString);
  if (type.kind !== "struct") throw new SchemaError("schemaString must describe a struct", { text: schemaString });
  return type.fields;
}

/** Parses one Spark JSON data type (see {@link typeToJson}). */
export function parseTypeJson(json: unknown, source: string): DeltaType {
  if (typeof json === "string") return parseTypeName(json, source);
  if (!isObject(json)) throw new SchemaError(`Invalid type ${JSON.stringify(json)}`, { text: source });
  switch (json["type"]) {
    case "struct": {
      if (!Array.isArray(json["fields"])) throw new SchemaError("A struct needs a fields array", { text: source });
      const fields = json["fields"].map((field) => parseFieldJson(field, source));
      assertUniqueFieldNames(fields, source);
      return { kind: "struct", fields };
    }
    case "array":
      return {
        kind: "array",
        elementType: parseTypeJson(json["elementType"], source),
        containsNull: json["containsNull"] !== false,
      };
    case "map":
      return {
        kind: "map",
        keyType: parseTypeJson(json["keyType"], source),
        valueType: parseTypeJson(json["valueType"], source),
        valueContainsNull: json["valueContainsNull"] !== false,
      };
    default:
      throw new SchemaError(`Unsupported type ${JSON.stringify(json["type"])}`, { text: source, unsupportedType: String(json["type"]) });
  }
}

function parseFieldJson(json: unknown, source: string): DeltaField {
  if (!isObject(json) || typeof json["name"] !== "string") {
    throw new SchemaError(`Invalid struct field ${JSON.stringify(json)}`, { text: source });
  }
  const metadata = isObject(json["metadata"]) ? json["metadata"] : {};
  return {
    name: json["name"],
    type: parseTypeJson(json["type"], source),
    nullable: json["nullable"] !== false,
    metadata,
  };
}

function parseTypeName(name: string, source: string): DeltaType {
  if (PRIMITIVES.has(name)) return { kind: "primitive", name: name as DeltaPrimitiveName };
  if (name === "decimal") return { kind: "decimal", precision: 10, scale: 0 };
  const match = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(name);
  if (match !== null) {
    const precision = Number(match[1]);
    const scale = Number(match[2]);
    if (precision >= 1 && precision <= MAX_DECIMAL_PRECISION && scale <= precision) {
      return { kind: "decimal", precision, scale };
    }
  }
  throw new SchemaError(`Unsupported type "${name}"`, { text: source, ...(/^decimal\b/.test(name) ? {} : { unsupportedType: name }) });
}

/** UC `type_text` of a type: `bigint`, `decimal(10,2)`, `array<string>`, `struct<a:int,b:string>`. */
export function toTypeText(type: DeltaType): string {
  switch (type.kind) {
    case "primitive":
      return TYPE_TEXT[type.name];
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "array":
      return `array<${toTypeText(type.elementType)}>`;
    case "map":
      return `map<${toTypeText(type.keyType)},${toTypeText(type.valueType)}>`;
    case "struct":
      return `struct<${type.fields.map(structFieldText).join(",")}>`;
  }
}

function structFieldText(field: DeltaField): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name) ? field.name : "`" + field.name.replace(/`/g, "``") + "`";
  return `${name}:${toTypeText(field.type)}${field.nullable ? "" : " NOT NULL"}`;
}

/** UC `type_name` (ColumnTypeName) of a type: `INT`, `LONG`, `DECIMAL`, `ARRAY`, `STRUCT`, … */
export function toTypeName(type: DeltaType): string {
  switch (type.kind) {
    case "primitive":
      return TYPE_NAME[type.name];
    case "decimal":
      return "DECIMAL";
    case "array":
      return "ARRAY";
    case "map":
      return "MAP";
    case "struct":
      return "STRUCT";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
