/**
 * OAuth principals (service principals, in Databricks terms): client ids and their secrets. When none
 * are configured the service makes up a development principal at start, so a fresh local service is
 * usable at once and its printed credentials are the only ones that work.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

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
}

/** Builds the principal set from configuration; with none given, generates the development principal. */
export function createPrincipalSet(configured?: Readonly<Record<string, string>>): PrincipalSet {
  const entries = Object.entries(configured ?? {});
  for (const [id, secret] of entries) {
    if (id === "" || secret === "") throw new Error("principals: client ids and secrets must be non-empty strings");
  }
  if (entries.length === 0) entries.push([DEV_CLIENT_ID, randomBytes(24).toString("base64url")]);
  const secrets = new Map(entries);
  const [clientId, clientSecret] = entries[0] as [string, string];
  return {
    primary: { clientId, clientSecret },
    check(id, secret) {
      const expected = secrets.get(id);
      if (expected === undefined) return false;
      // Hash both sides so the comparison is constant-time whatever the lengths.
      const digest = (s: string) => createHash("sha256").update(s).digest();
      return timingSafeEqual(digest(secret), digest(expected));
    },
  };
}
