/**
 * Who may do what through the catalog REST API, following Unity Catalog:
 *
 * | Call | Needs |
 * |---|---|
 * | list a schema's tables | USE_CATALOG, USE_SCHEMA; lists only tables with SELECT or BROWSE |
 * | get a table | USE_CATALOG, USE_SCHEMA, SELECT or BROWSE on the table |
 * | read rows | USE_CATALOG, USE_SCHEMA, SELECT on the table |
 * | create a table | USE_CATALOG, USE_SCHEMA and CREATE_TABLE on the schema |
 * | delete a table | USE_CATALOG, USE_SCHEMA, MANAGE on the table (Unity Catalog: owner or MANAGE; no owners here) |
 *
 * A refusal is 403 `PERMISSION_DENIED` naming the missing privilege; it is checked before the table is
 * looked up, so a caller learns nothing about tables it may not see.
 */
import type { GrantSet, Privilege } from "../auth/grants.js";
import { HttpError } from "../service/http-io.js";
import { quote } from "../text/bounded-text.js";
import type { TableName } from "./table-name.js";

/** What a catalog call may do: the caller's grants, or everything (a service without authentication). */
export interface CatalogAccess {
  clientId: string;
  /** `undefined` when authorization is off. */
  grants: GrantSet | undefined;
}

/** The catalog operations that need privileges. */
export type TableAction = "get" | "read-rows" | "create" | "delete";

const TABLE_PRIVILEGES: Readonly<Record<TableAction, readonly Privilege[]>> = {
  get: ["SELECT", "BROWSE"],
  "read-rows": ["SELECT"],
  create: [],
  delete: ["MANAGE"],
};

/** Throws 403 unless `access` may perform `action` on `name`. */
export function requireTableAccess(access: CatalogAccess, action: TableAction, name: TableName): void {
  if (access.grants === undefined) return;
  requireSchemaUse(access, name.catalog, name.schema);
  if (action === "create") {
    requirePrivilege(access, ["CREATE_TABLE"], `${name.catalog}.${name.schema}`, "schema");
    return;
  }
  requirePrivilege(access, TABLE_PRIVILEGES[action], name.fullName, "table");
}

/** Throws 403 unless `access` holds USE_CATALOG and USE_SCHEMA on the schema. */
export function requireSchemaUse(access: CatalogAccess, catalog: string, schema: string): void {
  if (access.grants === undefined) return;
  requirePrivilege(access, ["USE_CATALOG"], catalog, "catalog");
  requirePrivilege(access, ["USE_SCHEMA"], `${catalog}.${schema}`, "schema");
}

/** True when a listing shows the table to `access` (SELECT or BROWSE, as Unity Catalog lists). */
export function canSeeTable(access: CatalogAccess, name: TableName): boolean {
  return access.grants === undefined || TABLE_PRIVILEGES.get.some((p) => access.grants?.has(p, name.fullName));
}

function requirePrivilege(access: CatalogAccess, anyOf: readonly Privilege[], securable: string, kind: string): void {
  if (anyOf.some((p) => access.grants?.has(p, securable))) return;
  throw new HttpError(403, "PERMISSION_DENIED", `Client ${quote(access.clientId)} does not have ${anyOf.join(" or ")} on ${kind} '${securable}'.`);
}
