/**
 * `GET /api/2.1/unity-catalog/tables/{full_name}/rows?limit=N&version=V`: a local-only extension of
 * the catalog that returns a table's rows, so tools can show what was ingested. Rows are read with
 * the Delta reader (deletion vectors, column mapping, time travel) and encoded as lossless JSON
 * (`rowToJson`; docs/delta-golden.md, "Rows as JSON"): longs and decimals as strings, binary as
 * base64, timestamps as ISO 8601 with microseconds.
 */
import type { ServerResponse } from "node:http";
import { countTableRows, DeltaError, readTable, rowToJson } from "../delta/index.js";
import { toTypeJson, toTypeText } from "../schema/spark-schema.js";
import { HttpError, sendJson } from "../service/http-io.js";
import type { TableName } from "./table-name.js";
import type { TableStore } from "./table-store.js";

/** Rows returned when the request gives no `limit`. */
export const DEFAULT_ROWS_LIMIT = 100;
/** The largest `limit` accepted: the whole answer is built in memory. */
export const MAX_ROWS_LIMIT = 10_000;

/**
 * Answers the rows route: `{ full_name, version, columns: [{ name, type_text, type_json }], rows,
 * truncated, row_count }`, `truncated` telling whether the table has rows past `limit` and `row_count`
 * how many rows it has in all (from the files' statistics, so `limit=0` counts cheaply). Refusals: 400 for a bad
 * `limit` or `version` or a version that does not exist, 400 INVALID_STATE for a table whose log cannot
 * be read, 404 for an unknown table, 501 for a table
 * needing a Delta feature the reader does not implement.
 */
export async function sendTableRows(res: ServerResponse, store: TableStore, name: TableName, query: URLSearchParams): Promise<void> {
  const limit = integerParam(query, "limit", DEFAULT_ROWS_LIMIT, MAX_ROWS_LIMIT);
  const version = query.has("version") ? integerParam(query, "version", 0, Number.MAX_SAFE_INTEGER) : undefined;
  let contents;
  let rowCount;
  try {
    contents = await readTable(store.dirOf(name), version === undefined ? { limit } : { limit, version });
    // Only a cut-short read needs the log read again to count the rest.
    rowCount = contents.truncated ? (await countTableRows(store.dirOf(name), { version: contents.version })).rows : contents.rows.length;
  } catch (err) {
    throw toHttpError(err, name);
  }
  sendJson(res, 200, {
    full_name: name.fullName,
    version: contents.version,
    columns: contents.fields.map((field) => ({ name: field.name, type_text: toTypeText(field.type), type_json: toTypeJson(field) })),
    rows: contents.rows.map((row) => rowToJson(contents.fields, row)),
    truncated: contents.truncated,
    row_count: rowCount,
  });
}

function integerParam(query: URLSearchParams, key: string, fallback: number, max: number): number {
  const text = query.get(key);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value > max) {
    throw new HttpError(400, "INVALID_PARAMETER_VALUE", `${key} must be an integer from 0 to ${max}, not '${text}'`);
  }
  return value;
}

function toHttpError(err: unknown, name: TableName): unknown {
  if (!(err instanceof DeltaError)) return err;
  switch (err.code) {
    case "TABLE_NOT_FOUND":
      return new HttpError(404, "TABLE_DOES_NOT_EXIST", `Table '${name.fullName}' does not exist.`);
    case "VERSION_NOT_FOUND":
      return new HttpError(400, "INVALID_PARAMETER_VALUE", err.message);
    case "LOG_INVALID":
      // Not a 5xx: clients retry those, and a damaged log does not heal by itself.
      return new HttpError(400, "INVALID_STATE", `Table '${name.fullName}' cannot be read: ${err.message}`);
    case "UNSUPPORTED_FEATURE":
      return new HttpError(501, "NOT_IMPLEMENTED", `Table '${name.fullName}' cannot be read by this service: ${err.message}`);
    default:
      return err;
  }
}
