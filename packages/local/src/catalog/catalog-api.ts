/**
 * The Unity Catalog REST subset: get, list, create and delete tables under `/api/2.1/unity-catalog/tables`,
 * plus the local-only `GET …/tables/{full_name}/rows` (table-rows.ts).
 * Every call needs a bearer token from the token endpoint (any grants may read; creating and deleting
 * need only a valid token); errors use the Databricks shape `{ error_code, message }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { TokenError, type TokenAuthority } from "../auth/token-authority.js";
import { SchemaError } from "../schema/schema-error.js";
import { bearerToken, HttpError, readBody, sendJson } from "../service/http-io.js";
import { parseTableName, TableNameError, type TableName } from "./table-name.js";
import { sendTableRows } from "./table-rows.js";
import { TableExistsError, type TableStore } from "./table-store.js";
import { parseCreateTableBody, toUcTableJson } from "./uc-table-json.js";

/** The path prefix the catalog answers on. */
export const TABLES_PATH = "/api/2.1/unity-catalog/tables";

/** What the catalog API needs. */
export interface CatalogApiOptions {
  store: TableStore;
  authority: TokenAuthority;
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
    authenticate(req, options);
    const rest = path.slice(TABLES_PATH.length);
    if (rest === "" || rest === "/") {
      if (req.method === "GET") {
        const catalog = query.get("catalog_name");
        const schema = query.get("schema_name");
        if (!catalog || !schema) throw new HttpError(400, "INVALID_PARAMETER_VALUE", "catalog_name and schema_name are required");
        const tables = await guardNames(() => store.list(catalog, schema));
        sendJson(res, 200, { tables: tables.map(toUcTableJson) });
        return;
      }
      if (req.method === "POST") {
        const request = parseCreateTableBody(await readBody(req));
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
      return sendTableRows(res, store, tableNameFromPath(rows[1]!), query);
    }
    const name = tableNameFromPath(rest.slice(1));
    if (req.method === "GET") {
      const info = await store.get(name);
      if (info === undefined) throw notFound(name);
      sendJson(res, 200, toUcTableJson(info));
      return;
    }
    if (req.method === "DELETE") {
      if (!(await store.delete(name))) throw notFound(name);
      sendJson(res, 200, {});
      return;
    }
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `${req.method ?? ""} is not supported on a table`);
  };
}

function authenticate(req: IncomingMessage, options: CatalogApiOptions): void {
  if (options.noAuth) return;
  const token = bearerToken(req);
  if (token === undefined) throw new HttpError(401, "UNAUTHENTICATED", "A bearer token is required (Authorization: Bearer <token>).");
  try {
    options.authority.verifyToken(token);
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

function notFound(name: TableName): HttpError {
  return new HttpError(404, "TABLE_DOES_NOT_EXIST", `Table '${name.fullName}' does not exist.`);
}
