/**
 * Reading a table's columns from the Unity Catalog REST API, as the official schema generators do
 * (PROTOCOL.md §11.2): a plain workspace token from the client credentials, then
 * `GET {workspaceUrl}/api/2.1/unity-catalog/tables/{full name}`. Works against a real workspace and
 * against the local service.
 */
import { fetchWorkspaceToken } from "../auth/oauth-token.js";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { parseTableName } from "../table-name.js";
import { describeTransportError, sendHttpRequest } from "../transport/http-request.js";
import type { TableColumn } from "./column-type.js";

/** What {@link fetchTableSchema} needs: the workspace, the table, and a token or the credentials for one. */
export interface FetchTableSchemaOptions {
  /** The workspace (Unity Catalog) URL, e.g. `https://my-workspace.cloud.databricks.com`. */
  workspaceUrl: string;
  /** The three-part table name: `catalog.schema.table`. */
  tableName: string;
  /** The service principal's OAuth client id (with `clientSecret`), when no `token` is given. */
  clientId?: string | undefined;
  /** The service principal's OAuth client secret (with `clientId`). Never included in any error message. */
  clientSecret?: string | undefined;
  /** A workspace token to use as is (`Authorization: Bearer <token>`) instead of requesting one. */
  token?: string | undefined;
  /** PEM root certificate(s) to trust for an `https://` workspace URL instead of the system's. */
  rootCertificates?: Buffer | string | undefined;
  /** Aborts the requests; an aborted fetch rejects with a retriable {@link ZerobusException}. */
  signal?: AbortSignal | undefined;
}

const TABLES_PATH = "/api/2.1/unity-catalog/tables/";
const MAX_BODY_CHARS = 512;

/**
 * The columns of a Unity Catalog table, in table order, as the REST API describes them (`name`,
 * `type_text`, `type_name`, `nullable`, `position`, `comment`). Feed them to `tableSchemaToDescriptor` to
 * write the table in PROTO mode with no generated code, or to `tableSchemaToProto` for `.proto` source.
 *
 * With `clientId` and `clientSecret`, a workspace token is requested first (see `fetchWorkspaceToken`); with
 * `token`, that token is used. Failures: network and TLS errors, aborts and HTTP 5xx reject with a
 * retriable {@link ZerobusException}; missing options, a bad table name or URL, rejected credentials,
 * any other HTTP error (an unknown table: 404 `TABLE_DOES_NOT_EXIST`, named in the message), and an
 * answer without a column list reject with {@link NonRetriableException}.
 */
export async function fetchTableSchema(options: FetchTableSchemaOptions): Promise<TableColumn[]> {
  const { tableName, url } = checkOptions(options);
  const { signal, rootCertificates } = options;
  const token =
    options.token ??
    (await fetchWorkspaceToken({ workspaceUrl: options.workspaceUrl, clientId: options.clientId!, clientSecret: options.clientSecret!, rootCertificates, signal }));
  let status: number;
  let text: string;
  try {
    ({ status, text } = await sendHttpRequest({
      method: "GET",
      url,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      rootCertificates,
      signal,
    }));
  } catch (err) {
    if (signal?.aborted) throw new ZerobusException("Table schema fetch failed: request aborted", { cause: signal.reason });
    throw new ZerobusException(`Table schema fetch failed: Network error: ${describeTransportError(err)}`, { cause: err });
  }
  if (status >= 500) throw new ZerobusException(`Table schema fetch failed: Unity Catalog server error (${status}): ${truncate(text)}`);
  if (status < 200 || status >= 300) {
    throw new NonRetriableException(`Cannot read the schema of table '${tableName}': HTTP ${status} ${errorText(text)}`);
  }
  return columnsOf(text, tableName);
}

function checkOptions(options: FetchTableSchemaOptions): { tableName: string; url: URL } {
  if (options === null || typeof options !== "object") throw new NonRetriableException("fetchTableSchema: options must be an object");
  const { workspaceUrl, tableName, token, clientId, clientSecret } = options;
  parseTableName(tableName);
  if (token !== undefined) {
    if (typeof token !== "string" || token === "") throw new NonRetriableException("fetchTableSchema: token must be a non-empty string");
  } else if (typeof clientId !== "string" || clientId === "" || typeof clientSecret !== "string" || clientSecret === "") {
    throw new NonRetriableException("fetchTableSchema: pass a token, or a clientId and clientSecret to request one");
  }
  if (typeof workspaceUrl !== "string") throw new NonRetriableException(`fetchTableSchema: workspaceUrl must be a string, got ${typeof workspaceUrl}`);
  const base = workspaceUrl.endsWith("/") ? workspaceUrl.slice(0, -1) : workspaceUrl;
  let url: URL;
  try {
    url = new URL(`${base}${TABLES_PATH}${encodeURIComponent(tableName)}`);
  } catch {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' must use https:// or http://`);
  }
  return { tableName, url };
}

/** The columns of a table description; only the fields a column is documented to have are kept. */
function columnsOf(text: string, tableName: string): TableColumn[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new NonRetriableException(`Cannot read the schema of table '${tableName}': the answer is not JSON: ${truncate(text)}`, { cause: err });
  }
  const columns = body !== null && typeof body === "object" ? (body as { columns?: unknown }).columns : undefined;
  if (!Array.isArray(columns)) throw new NonRetriableException(`Cannot read the schema of table '${tableName}': the answer has no column list`);
  return columns.map((column: unknown, i) => {
    const c = (column ?? {}) as Record<string, unknown>;
    if (typeof c["name"] !== "string") throw new NonRetriableException(`Cannot read the schema of table '${tableName}': column ${i} has no name`);
    const out: TableColumn = { name: c["name"] };
    if (typeof c["type_text"] === "string") out.type_text = c["type_text"];
    if (typeof c["type_name"] === "string") out.type_name = c["type_name"];
    if (typeof c["nullable"] === "boolean") out.nullable = c["nullable"];
    if (typeof c["position"] === "number") out.position = c["position"];
    if (typeof c["comment"] === "string") out.comment = c["comment"];
    return out;
  });
}

/** `TABLE_DOES_NOT_EXIST: Table 'x' does not exist.` from a Databricks error body, else the body's start. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const code = body["error_code"] ?? body["error"];
    const message = body["message"] ?? body["error_description"];
    if (typeof message === "string") return typeof code === "string" ? `${code}: ${message}` : message;
  } catch {
    // Not JSON: the text itself says what happened.
  }
  return truncate(text);
}

function truncate(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MAX_BODY_CHARS ? trimmed : `${trimmed.slice(0, MAX_BODY_CHARS)}… (${trimmed.length - MAX_BODY_CHARS} more characters)`;
}
