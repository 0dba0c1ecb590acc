/**
 * The Unity Catalog REST subset: get, list, create and delete tables under `/api/2.1/unity-catalog/tables`,
 * plus the local-only `GET …/tables/{full_name}/rows` (table-rows.ts).
 * Every call needs a bearer token from the token endpoint and the Unity Catalog privileges
 * catalog-access.ts lists; errors use the Databricks shape `{ error_code, message }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PrincipalSet } from "../auth/principals.js";
import { TokenError, type TokenAuthority } from "../auth/token-authority.js";
import { tokenGrants } from "../auth/token-grants.js";
import { SchemaError } from "../schema/schema-error.js";
import { bearerToken, HttpError, readBody, sendJson } from "../service/http-io.js";
import { canSeeTable, requireSchemaUse, requireTableAccess, type CatalogAccess } from "./catalog-access.js";
import { checkNamePart, parseTableName, TableNameError, type TableName } from "./table-name.js";
import { sendTableRows } from "./table-rows.js";
import { TableExistsError, TableUnreadableError, type TableStore } from "./table-store.js";
import { parseCreateTableBody, toUcTableJson } from "./uc-table-json.js";

/** The path prefix the catalog answers on. */
export const TABLES_PATH = "/api/2.1/unity-catalog/tables";

/** What the catalog API needs. */
export interface CatalogApiOptions {
  store: TableStore;
  authority: TokenAuthority;
  /** Whose grants a workspace token acts with. */
  principals: PrincipalSet;
  /** Skip the bearer-token check. */
  noAuth: boolean;
}

/**
 * Creates the handler for `TABLES_PATH` and below. `path` is the raw (still percent-encoded) request
 * path: it is not normalised, so `tables/../x` reaches the name check and is refused there. Throws
 * `HttpError` for every refusal.
 */
export function createCatalogApi(options: CatalogApiOptions): (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void> {
  const { store } = options;
  return async (req, res, path, query) => {
    const access = authenticate(req, options);
    const rest = path.slice(TABLES_PATH.length);
    if (rest === "" || rest === "/") {
      if (req.method === "GET") {
        const catalog = query.get("catalog_name");
        const schema = query.get("schema_name");
        if (!catalog || !schema) throw new HttpError(400, "INVALID_PARAMETER_VALUE", "catalog_name and schema_name are required");
        const names = guardNamesSync(() => ({ catalog: checkNamePart(catalog, "catalog"), schema: checkNamePart(schema, "schema") }));
        requireSchemaUse(access, names.catalog, names.schema);
        const tables = await guardNames(() => store.list(names.catalog, names.schema, (name) => canSeeTable(access, name)));
        sendJson(res, 200, { tables: tables.map(toUcTableJson) });
        return;
      }
      if (req.method === "POST") {
        const request = parseCreateTableBody(await readBody(req));
        requireTableAccess(access, "create", request.name);
        try {
          const info = await store.create(request.name, request.fields, {
            ...(request.comment !== undefined ? { comment: request.comment } : {}),
            ...(request.properties !== undefined ? { properties: request.properties } : {}),
          });
          sendJson(res, 200, toUcTableJson(info));
        } catch (err) {
          if (err instanceof TableExistsError) throw new HttpError(409, "TABLE_ALREADY_EXISTS", `Table '${request.name.fullName}' already exists.`);
          if (err instanceof SchemaError) throw new HttpError(400, "INVALID_PARAMETER_VALUE", err.message);
          throw err;
        }
        return;
      }
      throw new HttpError(405, "METHOD_NOT_ALLOWED", `${req.method ?? ""} is not supported on ${TABLES_PATH}`);
    }
    const rows = /^\/([^/]+)\/rows\/?$/.exec(rest);
    if (rows !== null) {
      if (req.method !== "GET") throw new HttpError(405, "METHOD_NOT_ALLOWED", `${req.method ?? ""} is not supported on a table's rows`);
      const name = tableNameFromPath(rows[1]!);
      requireTableAccess(access, "read-rows", name);
      return sendTableRows(res, store, name, query);
    }
    const name = tableNameFromPath(rest.slice(1));
    if (req.method === "GET") {
      requireTableAccess(access, "get", name);
      const info = await unreadableAsState(() => store.get(name));
      if (info === undefined) throw notFound(name);
      sendJson(res, 200, toUcTableJson(info));
      return;
    }
    if (req.method === "DELETE") {
      requireTableAccess(access, "delete", name);
      if (!(await store.delete(name))) throw notFound(name);
      sendJson(res, 200, {});
      return;
    }
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `${req.method ?? ""} is not supported on a table`);
  };
}

function authenticate(req: IncomingMessage, options: CatalogApiOptions): CatalogAccess {
  if (options.noAuth) return { clientId: "anonymous", grants: undefined };
  const token = bearerToken(req);
  if (token === undefined) throw new HttpError(401, "UNAUTHENTICATED", "A bearer token is required (Authorization: Bearer <token>).");
  try {
    const claims = options.authority.verifyToken(token);
    return { clientId: claims.sub, grants: tokenGrants(claims, options.principals) };
  } catch (err) {
    if (err instanceof TokenError) throw new HttpError(401, "UNAUTHENTICATED", `Invalid access token: ${err.message}.`);
    throw err;
  }
}

function tableNameFromPath(segment: string): TableName {
  let fullName: string;
  try {
    fullName = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "INVALID_PARAMETER_VALUE", "the table name in the path is not valid percent-encoding");
  }
  return guardNamesSync(() => parseTableName(fullName));
}

function guardNamesSync<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof TableNameError) throw new HttpError(400, "INVALID_PARAMETER_VALUE", err.message);
    throw err;
  }
}

async function guardNames<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TableNameError) throw new HttpError(400, "INVALID_PARAMETER_VALUE", err.message);
    throw err;
  }
}

// Not a 5xx: clients retry those, and a damaged log does not heal by itself.
async function unreadableAsState<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TableUnreadableError) throw new HttpError(400, "INVALID_STATE", err.message);
    throw err;
  }
}

function notFound(name: TableName): HttpError {
  return new HttpError(404, "TABLE_DOES_NOT_EXIST", `Table '${name.fullName}' does not exist.`);
}
