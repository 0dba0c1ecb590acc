/**
 * The `authorization_details` of the OAuth token request: the Unity Catalog privileges a Zerobus write
 * token is scoped to (PROTOCOL.md §3.1).
 */
import { NonRetriableException } from "../errors.js";

/** One entry of the `authorization_details` array sent to the token endpoint. */
export interface AuthorizationDetail {
  /** Always `unity_catalog_privileges`. */
  type: "unity_catalog_privileges";
  /** The privileges requested on the object. */
  privileges: string[];
  /** `CATALOG`, `SCHEMA` or `TABLE`. */
  object_type: "CATALOG" | "SCHEMA" | "TABLE";
  /** The object's dotted path: `c`, `c.s` or `c.s.t`. */
  object_full_path: string;
  /** The Zerobus operations the token may perform; always `["zerobuswrite"]`. */
  operations: string[];
}

/**
 * The operations sent with every entry. The Rust engine omits the field; the newest official client
 * (TypeScript binding 1.3.0) sends it, and the service accepts both. We follow the newest client, as it
 * reflects what the service now expects and scopes the token no wider than needed.
 */
const OPERATIONS = ["zerobuswrite"];

/**
 * Splits a Unity Catalog table name into catalog, schema and table.
 *
 * @throws NonRetriableException unless the name has exactly three non-empty dot-separated parts.
 */
export function splitTableName(tableName: string): [catalog: string, schema: string, table: string] {
  const parts = typeof tableName === "string" ? tableName.split(".") : [];
  const [catalog, schema, table] = parts;
  if (parts.length !== 3 || catalog === undefined || schema === undefined || table === undefined) {
    throw new NonRetriableException(
      `Specified UC table name is invalid: '${String(tableName)}' must have exactly 3 parts (catalog.schema.table)`,
    );
  }
  const empty = [["Catalog", catalog], ["Schema", schema], ["Table", table]].find(([, part]) => part === "");
  if (empty !== undefined) {
    throw new NonRetriableException(`Specified UC table name is invalid: ${empty[0]} name cannot be empty in '${tableName}'`);
  }
  return [catalog, schema, table];
}

/**
 * The three privilege entries for writing to `tableName`: USE CATALOG on the catalog, USE SCHEMA on the
 * schema, SELECT and MODIFY on the table.
 *
 * @throws NonRetriableException when the table name is not `catalog.schema.table`.
 */
export function authorizationDetails(tableName: string): AuthorizationDetail[] {
  const [catalog, schema, table] = splitTableName(tableName);
  const entry = (
    privileges: string[],
    objectType: AuthorizationDetail["object_type"],
    path: string,
  ): AuthorizationDetail => ({
    type: "unity_catalog_privileges",
    privileges,
    object_type: objectType,
    object_full_path: path,
    operations: [...OPERATIONS],
  });
  return [
    entry(["USE CATALOG"], "CATALOG", catalog),
    entry(["USE SCHEMA"], "SCHEMA", `${catalog}.${schema}`),
    entry(["SELECT", "MODIFY"], "TABLE", `${catalog}.${schema}.${table}`),
  ];
}
