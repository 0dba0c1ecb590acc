/**
 * The `authorization_details` form field of a token request (PROTOCOL.md §3.1): a JSON array of Unity
 * Catalog privilege requests. The token endpoint grants the requested privileges the principal holds
 * (token-grants.ts); this file only reads the request.
 */
import { quote } from "../text/bounded-text.js";
import { GrantsError, normalizePrivilege, normalizeSecurable, type Privilege } from "./grants.js";

/** A malformed `authorization_details` value; the token endpoint answers 400. */
export class AuthorizationDetailsError extends Error {
  override readonly name = "AuthorizationDetailsError";
}

/** Privileges requested on one securable (`catalog`, `catalog.schema` or `catalog.schema.table`, lower case). */
export interface RequestedPrivileges {
  securable: string;
  privileges: Privilege[];
}

/** The number of path parts each `object_type` must have. */
const OBJECT_DEPTH: Readonly<Record<string, number>> = { CATALOG: 1, SCHEMA: 2, TABLE: 3 };

/**
 * Parses `authorization_details` into the privileges requested per securable.
 *
 * Each entry is an object with a string `type`. Entries of type `unity_catalog_privileges` must carry
 * `privileges` (array of strings), `object_type` and `object_full_path` (strings), and may carry
 * `operations` (array of strings, e.g. `["zerobuswrite"]`, sent by newer official clients). CATALOG,
 * SCHEMA and TABLE entries are read (the path must have 1, 2 or 3 parts); entries of other types or
 * object types, and privileges this service does not model, are ignored. Anything else is an
 * `AuthorizationDetailsError` saying what is wrong.
 */
export function parseAuthorizationDetails(json: string): RequestedPrivileges[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new AuthorizationDetailsError(`authorization_details is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new AuthorizationDetailsError("authorization_details must be a JSON array");
  const requested: RequestedPrivileges[] = [];
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
    const depth = OBJECT_DEPTH[e.object_type.toUpperCase()];
    if (depth === undefined) return;
    const parts = e.object_full_path.split(".");
    if (parts.length !== depth) {
      throw new AuthorizationDetailsError(`${where}.object_full_path ${quote(e.object_full_path)} must have ${depth} part(s) for object_type ${quote(e.object_type)}`);
    }
    let securable: string;
    try {
      securable = normalizeSecurable(e.object_full_path, `${where}.object_full_path`);
    } catch (err) {
      if (err instanceof GrantsError) throw new AuthorizationDetailsError(err.message);
      throw err;
    }
    const privileges = e.privileges.map(normalizePrivilege).filter((p): p is Privilege => p !== undefined);
    requested.push({ securable, privileges });
  });
  return requested;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
