/**
 * OAuth principals (service principals, in Databricks terms): client ids, their secrets and the Unity
 * Catalog privileges they hold. When none are configured the service makes up a development principal
 * at start, so a fresh local service is usable at once and its printed credentials are the only ones
 * that work. Without a grants configuration every principal holds every privilege (`ALL_GRANTS`).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { quote, quoteList } from "../text/bounded-text.js";
import { ALL_GRANTS, createGrantSet, GrantsError, NO_GRANTS, type Grants, type GrantSet } from "./grants.js";

/** One client id and its secret. */
export interface Principal {
  clientId: string;
  clientSecret: string;
}

/** The client id of the generated development principal. */
export const DEV_CLIENT_ID = "zerobus-local-dev";

/** The principals a service accepts, and the one it advertises (the first configured, or the dev one). */
export interface PrincipalSet {
  primary: Principal;
  /** True when the secret matches the client id's (constant-time). */
  check(clientId: string, clientSecret: string): boolean;
  /** The privileges a client id holds; none for an id that is not a principal. */
  grantsOf(clientId: string): GrantSet;
}

/**
 * Builds the principal set from configuration; with no principals given, generates the development
 * principal. `grants` (client id → `Grants`) replaces the permissive default: a principal it does not
 * name holds nothing. Throws `GrantsError` for grants of an unknown client id or a malformed grant.
 */
export function createPrincipalSet(configured?: Readonly<Record<string, string>>, grants?: Readonly<Record<string, Grants>>): PrincipalSet {
  const entries = Object.entries(configured ?? {});
  for (const [id, secret] of entries) {
    if (id === "" || secret === "") throw new Error("principals: client ids and secrets must be non-empty strings");
  }
  if (entries.length === 0) entries.push([DEV_CLIENT_ID, randomBytes(24).toString("base64url")]);
  const secrets = new Map(entries);
  const [clientId, clientSecret] = entries[0] as [string, string];
  const grantSets = resolveGrants(secrets, grants);
  // The permissive default also covers principals that authenticate by token exchange (no secret here).
  const unnamed = grants === undefined ? createGrantSet(ALL_GRANTS) : NO_GRANTS;
  return {
    primary: { clientId, clientSecret },
    check(id, secret) {
      const expected = secrets.get(id);
      if (expected === undefined) return false;
      // Hash both sides so the comparison is constant-time whatever the lengths.
      const digest = (s: string) => createHash("sha256").update(s).digest();
      return timingSafeEqual(digest(secret), digest(expected));
    },
    grantsOf: (id) => grantSets.get(id) ?? unnamed,
  };
}

function resolveGrants(secrets: ReadonlyMap<string, string>, grants: Readonly<Record<string, Grants>> | undefined): Map<string, GrantSet> {
  const sets = new Map<string, GrantSet>();
  if (grants === undefined) {
    const all = createGrantSet(ALL_GRANTS);
    for (const id of secrets.keys()) sets.set(id, all);
    return sets;
  }
  for (const [id, granted] of Object.entries(grants)) {
    if (!secrets.has(id)) {
      throw new GrantsError(`grants name client id ${quote(id)}, which is not a principal (principals: ${quoteList([...secrets.keys()])})`);
    }
    sets.set(id, createGrantSet(granted, `grants[${quote(id)}]`));
  }
  return sets;
}
