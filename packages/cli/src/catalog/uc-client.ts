/**
 * The Unity Catalog REST calls the command makes (PROTOCOL.md §11.2, §12.7): a plain workspace token from
 * `{workspaceUrl}/oidc/v1/token` (the SDK's `fetchWorkspaceToken`), then `GET`/`POST` under
 * `/api/2.1/unity-catalog/tables` with it; a table's columns come from the SDK's `fetchTableSchema`.
 * Works against a real workspace and against `zerobus local`.
 */
import type { RowJsonValue } from "@zerobus-ts/local";
import { fetchTableSchema, fetchWorkspaceToken, NonRetriableException, type TableColumn } from "@zerobus-ts/sdk";
import { CliError, errorText } from "../cli-error.js";
import type { ConnectionSettings } from "../connection-settings.js";
import type { TableName } from "../table-name.js";
import { networkErrorText, sendHttpRequest, type HttpRequest } from "./http-request.js";

/** A table as `GET /api/2.1/unity-catalog/tables/{full_name}` returns it (fields the command uses). */
export interface UcTableInfo {
  full_name?: string;
  name?: string;
  catalog_name?: string;
  schema_name?: string;
  table_type?: string;
  data_source_format?: string;
  storage_location?: string;
  comment?: string;
  columns?: Array<{ name: string; type_text?: string; type_name?: string; nullable?: boolean; position?: number; comment?: string }>;
  [key: string]: unknown;
}

/**
 * A table's rows as the local service's `GET …/tables/{full_name}/rows` returns them (a `zerobus local`
 * extension; a Databricks workspace has no such call).
 */
export interface UcTableRows {
  version: number;
  columns: Array<{ name: string; type_json: string }>;
  /** Rows in the service's lossless JSON (64-bit integers and decimals as strings, maps as pairs). */
  rows: Array<{ [column: string]: RowJsonValue }>;
  truncated: boolean;
  row_count: number;
}

/** A refused catalog request: the HTTP status and the Databricks `error_code`, when there is one. */
export class UcRequestError extends CliError {
  override readonly name = "UcRequestError";
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
  ) {
    super(message);
  }
}

const TABLES_PATH = "/api/2.1/unity-catalog/tables";
const REQUEST_TIMEOUT_MS = 30_000;
/** Pages of a table listing followed at most; a listing longer than this is cut with a warning. */
const MAX_LIST_PAGES = 1000;

/** A Unity Catalog client for one workspace and principal. */
export class UcClient {
  #token: Promise<string> | undefined;

  constructor(private readonly settings: ConnectionSettings) {}

  /** `GET …/tables/{full_name}`; a `CliError` saying so when the table does not exist. */
  getTable(name: TableName): Promise<UcTableInfo> {
    return this.call("GET", `${TABLES_PATH}/${encodeURIComponent(name.fullName)}`) as Promise<UcTableInfo>;
  }

  /** Every table of a schema, following `next_page_token`. */
  async listTables(catalog: string, schema: string): Promise<UcTableInfo[]> {
    const tables: UcTableInfo[] = [];
    let pageToken = "";
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query = new URLSearchParams({ catalog_name: catalog, schema_name: schema, ...(pageToken ? { page_token: pageToken } : {}) });
      const body = (await this.call("GET", `${TABLES_PATH}?${query}`)) as { tables?: UcTableInfo[]; next_page_token?: string };
      tables.push(...(body.tables ?? []));
      pageToken = body.next_page_token ?? "";
      if (pageToken === "") return tables;
    }
    throw new CliError(`the table listing did not end after ${MAX_LIST_PAGES} pages`);
  }

  /** The table's columns (the SDK's `fetchTableSchema`); a `CliError` naming the table when it cannot be read. */
  async columns(name: TableName): Promise<TableColumn[]> {
    const token = await this.token();
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      return await fetchTableSchema({ workspaceUrl: this.settings.workspaceUrl, tableName: name.fullName, token, rootCertificates: this.settings.caCert, signal });
    } catch (err) {
      if (signal.aborted) throw this.noAnswer(err);
      if (err instanceof NonRetriableException) throw new CliError(err.message, { cause: err });
      throw new CliError(`cannot reach the workspace at ${this.settings.workspaceUrl}: ${errorText(err)}`, { cause: err });
    }
  }

  /** The first `limit` rows of a table and its row count, from `zerobus local`'s rows route. */
  async getTableRows(name: TableName, limit: number): Promise<UcTableRows> {
    try {
      return (await this.call("GET", `${TABLES_PATH}/${encodeURIComponent(name.fullName)}/rows?limit=${limit}`)) as UcTableRows;
    } catch (err) {
      // An unknown table is the service's 404 TABLE_DOES_NOT_EXIST; any other 404 means no rows route at all.
      if (err instanceof UcRequestError && err.status === 404 && err.errorCode !== "TABLE_DOES_NOT_EXIST") {
        throw new CliError("the workspace has no rows API (only 'zerobus local' serves rows over HTTP); pass --data-dir DIR to read a local table's files", { cause: err });
      }
      throw err;
    }
  }

  /** `POST …/tables` with a create-table body; returns the created table. */
  createTable(body: Record<string, unknown>): Promise<UcTableInfo> {
    return this.call("POST", TABLES_PATH, JSON.stringify(body)) as Promise<UcTableInfo>;
  }

  private async call(method: "GET" | "POST", path: string, body?: string): Promise<unknown> {
    const token = await this.token();
    const response = await this.send({
      method,
      url: `${this.settings.workspaceUrl}${path}`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      ...(body !== undefined ? { body } : {}),
    });
    if (response.status < 200 || response.status >= 300) {
      const failure = describeFailure(response.status, response.text);
      throw new UcRequestError(`${method} ${path.split("?")[0]} failed: ${failure.text}`, response.status, failure.errorCode);
    }
    return parseJson(response.text, path);
  }

  /** One token per client: a command makes a few calls within seconds of each other. */
  private token(): Promise<string> {
    this.#token ??= this.fetchToken();
    return this.#token;
  }

  // The generators' request (PROTOCOL.md §11.2): no resource, no authorization_details — a plain
  // workspace token, which is what the catalog API wants.
  private async fetchToken(): Promise<string> {
    const { workspaceUrl, clientId, clientSecret, caCert } = this.settings;
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      return await fetchWorkspaceToken({ workspaceUrl, clientId, clientSecret, rootCertificates: caCert, signal });
    } catch (err) {
      if (signal.aborted) throw this.noAnswer(err);
      // The SDK's classes: a refusal never heals (bad credentials, 4xx); the rest is the network or the server.
      if (err instanceof NonRetriableException) {
        throw new CliError(
          `the workspace at ${workspaceUrl} refused the client credentials of '${clientId}': ${err.message}\n` +
            "Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (or --client-id and --client-secret).",
          { cause: err },
        );
      }
      throw new CliError(`cannot reach the workspace at ${workspaceUrl}: ${errorText(err)}`, { cause: err });
    }
  }

  private noAnswer(cause: unknown): CliError {
    return new CliError(`no answer from the workspace at ${this.settings.workspaceUrl} within ${REQUEST_TIMEOUT_MS / 1000} s`, { cause });
  }

  private async send(req: Omit<HttpRequest, "ca" | "timeoutMs">): Promise<{ status: number; text: string }> {
    try {
      return await sendHttpRequest({ ...req, ca: this.settings.caCert, timeoutMs: REQUEST_TIMEOUT_MS });
    } catch (err) {
      throw new CliError(`cannot reach the workspace at ${this.settings.workspaceUrl}: ${networkErrorText(err)}`, { cause: err });
    }
  }
}

/** `HTTP 404 TABLE_DOES_NOT_EXIST: Table 'x' does not exist.` from a Databricks error body, or the raw text. */
function describeFailure(status: number, text: string): { text: string; errorCode: string | undefined } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const code = body["error_code"] ?? body["error"];
    const message = body["message"] ?? body["error_description"];
    const errorCode = typeof code === "string" ? code : undefined;
    if (typeof message === "string") return { text: `HTTP ${status}${errorCode !== undefined ? ` ${errorCode}` : ""}: ${message}`, errorCode };
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return { text: `HTTP ${status}: ${text.trim().slice(0, 300)}`, errorCode: undefined };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`the answer to ${path.split("?")[0]} is not JSON: ${text.trim().slice(0, 200)}`);
  }
}
