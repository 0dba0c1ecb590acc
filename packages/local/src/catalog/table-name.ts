/**
 * Three-part Unity Catalog table names. Every table name that reaches the service — in a REST path, a
 * gRPC header, a create_stream request or a token grant — goes through `parseTableName`, which is what
 * keeps names such as `../x` or `a.b/c.d` from ever becoming paths under the data directory.
 */
import { SchemaError } from "../schema/schema-error.js";
import { validateIdentifier } from "../schema/validate-identifier.js";

/** A checked table name. Parts are lower case: Unity Catalog names are case-insensitive. */
export interface TableName {
  catalog: string;
  schema: string;
  table: string;
  /** `catalog.schema.table`, lower case. */
  fullName: string;
}

/** A table name that is not three safe identifiers joined by dots. */
export class TableNameError extends Error {
  override readonly name = "TableNameError";
}

/** Parses and checks `catalog.schema.table`; throws `TableNameError` explaining what is wrong. */
export function parseTableName(fullName: string): TableName {
  const parts = fullName.split(".");
  if (parts.length !== 3) {
    throw new TableNameError(`Invalid table name '${fullName}': expected exactly 3 parts (catalog.schema.table)`);
  }
  const [catalog, schema, table] = parts as [string, string, string];
  checkPart(fullName, catalog, "catalog");
  checkPart(fullName, schema, "schema");
  checkPart(fullName, table, "table");
  const lower = [catalog, schema, table].map((p) => p.toLowerCase()) as [string, string, string];
  return { catalog: lower[0], schema: lower[1], table: lower[2], fullName: lower.join(".") };
}

/** Checks one name part on its own (a catalog or schema name from a query string). */
export function checkNamePart(name: string, what: "catalog" | "schema" | "table"): string {
  checkPart(name, name, what);
  return name.toLowerCase();
}

function checkPart(fullName: string, part: string, what: string): void {
  try {
    validateIdentifier(part, what);
  } catch (err) {
    if (err instanceof SchemaError) throw new TableNameError(`Invalid table name '${fullName}': ${err.message}`, { cause: err });
    throw err;
  }
}
