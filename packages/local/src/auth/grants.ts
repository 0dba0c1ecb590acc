/**
 * Unity Catalog privileges as this service models them: what a principal holds (configured per
 * principal, see `LocalServiceOptions.grants`) and what a scoped token carries (the privileges its
 * `authorization_details` asked for that the principal holds). Grants inherit downward as in Unity
 * Catalog: a privilege on a catalog covers its schemas and tables, one on a schema covers its tables,
 * and `*` (this service's own) covers every catalog.
 */
import { checkNamePart, TableNameError } from "../catalog/table-name.js";
import { quote, quoteList } from "../text/bounded-text.js";

/** The privileges this service checks; anything else in a grants configuration is refused as a typo. */
export const PRIVILEGES = Object.freeze(["USE_CATALOG", "USE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY", "BROWSE", "MANAGE", "ALL_PRIVILEGES"] as const);

/** One privilege name, Unity Catalog's REST spelling (`USE_SCHEMA`, not `USE SCHEMA`). */
export type Privilege = (typeof PRIVILEGES)[number];

/**
 * Privileges by securable: `"*"` (every catalog), `"catalog"`, `"catalog.schema"` or
 * `"catalog.schema.table"`, each mapped to privilege names (`"USE SCHEMA"` and `"use_schema"` are read
 * as `USE_SCHEMA`). Example, a writer of one table:
 * `{ "main": ["USE_CATALOG"], "main.default": ["USE_SCHEMA"], "main.default.events": ["SELECT", "MODIFY"] }`.
 */
export type Grants = Readonly<Record<string, readonly string[]>>;

/**
 * What a principal holds when no grants are configured: everything, everywhere. `ALL_PRIVILEGES` does
 * not include `MANAGE` in Unity Catalog, so it is granted too (deleting tables needs it).
 */
export const ALL_GRANTS: Grants = Object.freeze({ "*": Object.freeze(["ALL_PRIVILEGES", "MANAGE"]) });

/** A grants configuration that names an unknown privilege or a malformed securable. */
export class GrantsError extends Error {
  override readonly name = "GrantsError";
}

/** Privileges resolved for checking. */
export interface GrantSet {
  /** True when `privilege` is held on `securable` (a 1-, 2- or 3-part lower-case path) or inherited from above it. */
  has(privilege: Privilege, securable: string): boolean;
  /** The grants as configured (normalized), e.g. to put into a token. */
  readonly grants: Readonly<Record<string, readonly Privilege[]>>;
}

/** Reads a privilege name as Unity Catalog's REST spelling; `undefined` when it is not one this service knows. */
export function normalizePrivilege(name: string): Privilege | undefined {
  const upper = name.trim().toUpperCase().replace(/\s+/g, "_");
  return (PRIVILEGES as readonly string[]).includes(upper) ? (upper as Privilege) : undefined;
}

/**
 * Checks and normalizes a grants configuration; throws `GrantsError` naming the bad securable or
 * privilege (`where` says whose grants they are).
 */
export function createGrantSet(grants: Grants, where = "grants"): GrantSet {
  if (grants === null || typeof grants !== "object" || Array.isArray(grants)) throw new GrantsError(`${where} must be an object of securable → privileges`);
  const normalized: Record<string, Privilege[]> = {};
  for (const [securable, privileges] of Object.entries(grants)) {
    const path = normalizeSecurable(securable, `${where}[${quote(securable)}]`);
    if (!Array.isArray(privileges) || !privileges.every((p) => typeof p === "string")) {
      throw new GrantsError(`${where}[${quote(securable)}] must be an array of privilege names`);
    }
    const unknown = privileges.filter((p) => normalizePrivilege(p) === undefined);
    if (unknown.length > 0) {
      throw new GrantsError(`${where}[${quote(securable)}]: unknown privilege ${quoteList(unknown)} (known: ${PRIVILEGES.join(", ")})`);
    }
    const list = (normalized[path] ??= []);
    for (const p of privileges) {
      const privilege = normalizePrivilege(p) as Privilege;
      if (!list.includes(privilege)) list.push(privilege);
    }
  }
  return grantSetOf(normalized);
}

/** A `GrantSet` over grants already normalized (a token's, which the service wrote itself). */
export function grantSetOf(grants: Readonly<Record<string, readonly Privilege[]>>): GrantSet {
  const byPath = new Map(Object.entries(grants).map(([path, privileges]) => [path, new Set<string>(privileges)]));
  const holds = (path: string, privilege: Privilege) => {
    const held = byPath.get(path);
    // ALL_PRIVILEGES covers every privilege except MANAGE, as in Unity Catalog.
    return held !== undefined && (held.has(privilege) || (privilege !== "MANAGE" && held.has("ALL_PRIVILEGES")));
  };
  return {
    grants,
    has(privilege, securable) {
      if (holds("*", privilege)) return true;
      const parts = securable.split(".");
      for (let depth = 1; depth <= parts.length; depth++) {
        if (holds(parts.slice(0, depth).join("."), privilege)) return true;
      }
      return false;
    },
  };
}

/** The grant set that holds nothing (an unknown principal's). */
export const NO_GRANTS: GrantSet = grantSetOf({});

/** `"*"`, or a lower-cased 1-3 part path of checked identifiers. */
export function normalizeSecurable(securable: string, where: string): string {
  if (securable === "*") return "*";
  const parts = securable.split(".");
  if (parts.length > 3) throw new GrantsError(`${where}: a securable is "*", catalog, catalog.schema or catalog.schema.table`);
  try {
    return parts.map((part, i) => checkNamePart(part, (["catalog", "schema", "table"] as const)[i] as "catalog")).join(".");
  } catch (err) {
    if (err instanceof TableNameError) throw new GrantsError(`${where}: ${err.message}`);
    throw err;
  }
}
