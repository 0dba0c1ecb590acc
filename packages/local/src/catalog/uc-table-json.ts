/**
 * The Unity Catalog REST representation of a table (`TableInfo` in the Databricks API), and the parsing
 * of a create-table request body. Only the fields clients use are produced (PROTOCOL.md §11.2, §12.7).
 */
import { pathToFileURL } from "node:url";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import { parseSqlType } from "../schema/parse-sql-type.js";
import { SchemaError } from "../schema/schema-error.js";
import { parseTypeJson, toTypeJson, toTypeName, toTypeText } from "../schema/spark-schema.js";
import { assertUniqueFieldNames } from "../schema/unique-field-names.js";
import { HttpError } from "../service/http-io.js";
import { parseTableName, TableNameError, type TableName } from "./table-name.js";
import type { TableInfo } from "./table-store.js";

/** Renders a table the way `GET /api/2.1/unity-catalog/tables/{full_name}` returns it. */
export function toUcTableJson(info: TableInfo): Record<string, unknown> {
  return {
    name: info.name.table,
    catalog_name: info.name.catalog,
    schema_name: info.name.schema,
    full_name: info.name.fullName,
    table_type: "MANAGED",
    data_source_format: "DELTA",
    storage_location: pathToFileURL(info.dir).href,
    columns: info.fields.map((field, position) => ucColumn(field, position)),
    ...(info.comment !== null ? { comment: info.comment } : {}),
    properties: info.properties,
    table_id: info.tableId,
    created_at: info.createdAtMs,
    updated_at: info.createdAtMs,
  };
}

function ucColumn(field: DeltaField, position: number): Record<string, unknown> {
  const comment = field.metadata["comment"];
  return {
    name: field.name,
    type_text: toTypeText(field.type),
    type_name: toTypeName(field.type),
    type_json: toTypeJson(field),
    ...(field.type.kind === "decimal" ? { type_precision: field.type.precision, type_scale: field.type.scale } : {}),
    nullable: field.nullable,
    position,
    ...(typeof comment === "string" ? { comment } : {}),
  };
}

/** A create-table request, checked. */
export interface CreateTableRequest {
  name: TableName;
  fields: DeltaField[];
  comment?: string;
  properties?: Record<string, string>;
}

/**
 * Parses the body of `POST /api/2.1/unity-catalog/tables`: `name`, `catalog_name`, `schema_name`,
 * `table_type` (MANAGED or EXTERNAL), `data_source_format` (DELTA), and `columns[]` whose type comes from
 * `type_text`, else `type_json` (a Spark field), else `type_name` for primitive types; `nullable`
 * defaults to true; columns are ordered by `position` when every column has one. Optional `comment` and
 * `properties`. Throws `HttpError` 400 naming the field at fault.
 */
export function parseCreateTableBody(text: string): CreateTableRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest("request body is not valid JSON");
  }
  if (!isObject(body)) throw badRequest("request body must be a JSON object");
  const part = (key: string) => {
    const value = body[key];
    if (typeof value !== "string" || value === "") throw badRequest(`'${key}' is required and must be a string`);
    return value;
  };
  let name: TableName;
  try {
    name = parseTableName(`${part("catalog_name")}.${part("schema_name")}.${part("name")}`);
  } catch (err) {
    if (err instanceof TableNameError) throw badRequest(err.message);
    throw err;
  }
  const tableType = body["table_type"];
  if (tableType !== undefined && tableType !== "MANAGED" && tableType !== "EXTERNAL") {
    throw badRequest(`table_type must be MANAGED or EXTERNAL, got ${JSON.stringify(tableType)}`);
  }
  const format = body["data_source_format"];
  if (format !== undefined && (typeof format !== "string" || format.toUpperCase() !== "DELTA")) {
    throw badRequest(`data_source_format must be DELTA (this service stores Delta tables), got ${JSON.stringify(format)}`);
  }
  const columns = body["columns"];
  if (!Array.isArray(columns) || columns.length === 0) throw badRequest("'columns' must be a non-empty array");
  const parsed = columns.map((column: unknown, i) => parseColumn(column, i));
  if (parsed.every((c) => c.position !== undefined)) parsed.sort((a, b) => (a.position as number) - (b.position as number));
  const fields = parsed.map((c) => c.field);
  try {
    assertUniqueFieldNames(fields);
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(err.message);
    throw err;
  }
  const comment = body["comment"];
  const properties = body["properties"];
  if (properties !== undefined && (!isObject(properties) || !Object.values(properties).every((v) => typeof v === "string"))) {
    throw badRequest("'properties' must be an object of strings");
  }
  return {
    name,
    fields,
    ...(typeof comment === "string" ? { comment } : {}),
    ...(properties !== undefined ? { properties: properties as Record<string, string> } : {}),
  };
}

function parseColumn(column: unknown, index: number): { field: DeltaField; position: number | undefined } {
  if (!isObject(column)) throw badRequest(`columns[${index}] must be an object`);
  const name = column["name"];
  if (typeof name !== "string" || name === "") throw badRequest(`columns[${index}].name is required`);
  const nullable = column["nullable"] ?? true;
  if (typeof nullable !== "boolean") throw badRequest(`column '${name}': nullable must be a boolean`);
  const position = column["position"];
  if (position !== undefined && typeof position !== "number") throw badRequest(`column '${name}': position must be a number`);
  let type: DeltaType;
  try {
    type = columnType(column);
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(`column '${name}': ${err.message}`);
    throw err;
  }
  const comment = column["comment"];
  return { field: { name, type, nullable, metadata: typeof comment === "string" ? { comment } : {} }, position };
}

function columnType(column: Record<string, unknown>): DeltaType {
  const typeText = column["type_text"];
  if (typeof typeText === "string" && typeText !== "") return parseSqlType(typeText);
  const typeJson = column["type_json"];
  if (typeof typeJson === "string" && typeJson !== "") {
    let json: unknown;
    try {
      json = JSON.parse(typeJson);
    } catch (cause) {
      throw new SchemaError("type_json is not valid JSON", { text: typeJson, cause });
    }
    return parseTypeJson(isObject(json) && "type" in json ? json["type"] : json, typeJson);
  }
  const typeName = column["type_name"];
  if (typeof typeName === "string" && typeName !== "") return parseSqlType(UC_TYPE_NAMES[typeName.toUpperCase()] ?? typeName);
  throw new SchemaError("one of type_text, type_json or type_name is required");
}

/** UC ColumnTypeName values whose spelling differs from the SQL type name. */
const UC_TYPE_NAMES: Readonly<Record<string, string>> = { LONG: "bigint", SHORT: "smallint", BYTE: "tinyint", INT: "int" };

function badRequest(message: string): HttpError {
  return new HttpError(400, "INVALID_PARAMETER_VALUE", message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
