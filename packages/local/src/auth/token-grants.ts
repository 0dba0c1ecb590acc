/**
 * What a token may do. A scoped token (requested with `authorization_details`, as the Zerobus SDKs do)
 * carries the requested privileges that its principal holds, no more: a principal without MODIFY on a
 * table still gets a token, and the stream is refused with 4024 as by the real service. A workspace token
 * (no `authorization_details`, as the catalog clients and proto generators ask) acts with its principal's
 * grants, looked up when it is used.
 */
import type { RequestedPrivileges } from "./authorization-details.js";
import { grantSetOf, type GrantSet, type Privilege } from "./grants.js";
import type { PrincipalSet } from "./principals.js";
import type { TokenClaims } from "./token-authority.js";

/** The grants and MODIFY scopes to put in a scoped token. */
export interface ScopedGrants {
  grants: Record<string, Privilege[]>;
  /** Tables the token may stream into: MODIFY on the table, USE_SCHEMA and USE_CATALOG above it. */
  scopes: string[];
}

/** Keeps the requested privileges that `holder` holds. */
export function scopeGrants(requested: readonly RequestedPrivileges[], holder: GrantSet): ScopedGrants {
  const grants: Record<string, Privilege[]> = {};
  for (const { securable, privileges } of requested) {
    const kept = privileges.filter((p) => holder.has(p, securable));
    const list = (grants[securable] ??= []);
    for (const p of kept) if (!list.includes(p)) list.push(p);
  }
  const granted = grantSetOf(grants);
  const tables = requested.map((r) => r.securable).filter((s) => s.split(".").length === 3);
  return { grants, scopes: [...new Set(tables)].filter((table) => canStreamInto(granted, table)) };
}

/** The privileges a stream needs, as the token endpoint would request them for `tables` (the SDK's request). */
export function streamRequest(tables: readonly string[]): RequestedPrivileges[] {
  return tables.flatMap((table) => {
    const [catalog, schema] = table.split(".");
    return [
      { securable: `${catalog}`, privileges: ["USE_CATALOG"] },
      { securable: `${catalog}.${schema}`, privileges: ["USE_SCHEMA"] },
      { securable: table, privileges: ["SELECT", "MODIFY"] },
    ] satisfies RequestedPrivileges[];
  });
}

/** The grant set a verified token acts with. */
export function tokenGrants(claims: TokenClaims, principals: PrincipalSet): GrantSet {
  return claims.grants !== undefined ? grantSetOf(claims.grants) : principals.grantsOf(claims.sub);
}

function canStreamInto(grants: GrantSet, table: string): boolean {
  const [catalog, schema] = table.split(".");
  return grants.has("MODIFY", table) && grants.has("USE_SCHEMA", `${catalog}.${schema}`) && grants.has("USE_CATALOG", `${catalog}`);
}
