/**
 * The `authorization_details` form field of a token request (PROTOCOL.md §3.1): a JSON array of Unity
 * Catalog privilege requests. The local service grants what is asked for; the one thing it remembers
 * is which tables the token may MODIFY, because that is what a stream needs.
 */
import { parseTableName, TableNameError } from "../catalog/table-name.js";

/** A malformed `authorization_details` value; the token endpoint answers 400. */
export class AuthorizationDetailsError extends Error {
  override readonly name = "AuthorizationDetailsError";
}

/**
 * Parses `authorization_details` and returns the full names (lower case) of the tables granted MODIFY.
 *
 * Each entry is an object with a string `type`. Entries of type `unity_catalog_privileges` must carry
 * `privileges` (array of strings), `object_type` and `object_full_path` (strings), and may carry
 * `operations` (array of strings, e.g. `["zerobuswrite"]`, sent by newer official clients). A `TABLE`
 * entry whose privileges include `MODIFY` grants that table; CATALOG/SCHEMA entries and SELECT-only
 * entries grant no writes. Entries of other types are ignored. Anything else is an
 * `AuthorizationDetailsError` saying what is wrong.
 */
export function parseAuthorizationDetails(json: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new AuthorizationDetailsError(`authorization_details is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new AuthorizationDetailsError("authorization_details must be a JSON array");
  const tables = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const where = `authorization_details[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new AuthorizationDetailsError(`${where} must be an object`);
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.type !== "string") throw new AuthorizationDetailsError(`${where}.type must be a string`);
    if (e.type !== "unity_catalog_privileges") return;
    if (!isStringArray(e.privileges)) throw new AuthorizationDetailsError(`${where}.privileges must be an array of strings`);
    if (typeof e.object_type !== "string") throw new AuthorizationDetailsError(`${where}.object_type must be a string`);
    if (typeof e.object_full_path !== "string") throw new AuthorizationDetailsError(`${where}.object_full_path must be a string`);
    if (e.operations !== undefined && !isStringArray(e.operations)) {
      throw new AuthorizationDetailsError(`${where}.operations must be an array of strings`);
    }
    if (e.object_type.toUpperCase() !== "TABLE") return;
    if (!e.privileges.some((p) => p.toUpperCase() === "MODIFY")) return;
    try {
      tables.add(parseTableName(e.object_full_path).fullName);
    } catch (err) {
      if (err instanceof TableNameError) throw new AuthorizationDetailsError(`${where}.object_full_path: ${err.message}`);
      throw err;
    }
  });
  return [...tables];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
