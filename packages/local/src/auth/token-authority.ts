/**
 * Bearer tokens for the local service: JWT-shaped (`header.claims.signature`, base64url) and signed with
 * HMAC-SHA256 under a key that lives only as long as the service, so tokens from an earlier run are
 * refused. Both the OAuth endpoint (issuing) and the gRPC and REST handlers (checking) share one authority.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { normalizePrivilege, type Privilege } from "./grants.js";

/** What a token says about its holder. */
export interface TokenClaims {
  /** The OAuth client id the token was issued to. */
  sub: string;
  /** Full names (`catalog.schema.table`, lower case) of the tables the token grants MODIFY on. */
  scopes: string[];
  /**
   * The privileges a scoped token carries (securable → privileges): those its `authorization_details`
   * asked for that the principal holds. Absent on a workspace token (no `authorization_details`),
   * which acts with the principal's own grants.
   */
  grants?: Record<string, Privilege[]>;
  /** Issued-at and expiry, in seconds since the epoch (JWT convention). */
  iat: number;
  exp: number;
  /** A unique id, so two tokens issued in the same second differ. */
  jti: string;
}

/** Why a token was refused. */
export type TokenProblem = "malformed" | "bad-signature" | "expired";

/** A token that cannot be used; `problem` says why. */
export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Inputs of `TokenAuthority.issueToken`. */
export interface IssueTokenOptions {
  clientId: string;
  /** Tables granted MODIFY (from `authorization_details`). */
  scopes: readonly string[];
  /** The privileges of a scoped token; omit for a workspace token (see `TokenClaims.grants`). */
  grants?: Readonly<Record<string, readonly Privilege[]>>;
  /** Lifetime in seconds. Zero or negative yields an already-expired token (for tests). */
  ttlSeconds: number;
}

/** Issues and checks tokens under one signing key. */
export interface TokenAuthority {
  /** Returns a signed token and the claims it carries. */
  issueToken(options: IssueTokenOptions): { token: string; claims: TokenClaims };
  /** Returns the claims of a valid token; throws `TokenError` for a malformed, forged or expired one. */
  verifyToken(token: string): TokenClaims;
}

/** Options of `createTokenAuthority`. */
export interface TokenAuthorityOptions {
  /** The HMAC key; default 32 random bytes. */
  key?: Uint8Array;
  /** The clock, in milliseconds since the epoch; default `Date.now` (tests pass their own). */
  now?: () => number;
}

const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

/** Creates a token authority with a fresh (or the given) signing key. */
export function createTokenAuthority(options: TokenAuthorityOptions = {}): TokenAuthority {
  const key = options.key ?? randomBytes(32);
  const now = options.now ?? Date.now;
  const sign = (data: string) => createHmac("sha256", key).update(data).digest();

  return {
    issueToken({ clientId, scopes, grants, ttlSeconds }) {
      const iat = Math.floor(now() / 1000);
      const claims: TokenClaims = { sub: clientId, scopes: [...scopes], iat, exp: iat + Math.trunc(ttlSeconds), jti: randomUUID() };
      if (grants !== undefined) claims.grants = Object.fromEntries(Object.entries(grants).map(([k, v]) => [k, [...v]]));
      const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
      return { token: `${body}.${sign(body).toString("base64url")}`, claims };
    },

    verifyToken(token) {
      const parts = token.split(".");
      if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
        throw new TokenError("malformed", "token is malformed (expected three base64url parts)");
      }
      const [header, payload, signature] = parts as [string, string, string];
      const expected = sign(`${header}.${payload}`);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new TokenError("bad-signature", "token signature is invalid (not issued by this service)");
      }
      const claims = parseClaims(payload);
      if (claims.exp * 1000 <= now()) {
        throw new TokenError("expired", `token expired at ${new Date(claims.exp * 1000).toISOString()}`);
      }
      return claims;
    },
  };
}

function parseClaims(payload: string): TokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw new TokenError("malformed", "token claims are not JSON");
  }
  const c = value as Partial<TokenClaims> | null;
  if (
    c === null ||
    typeof c !== "object" ||
    typeof c.sub !== "string" ||
    typeof c.exp !== "number" ||
    typeof c.iat !== "number" ||
    !Array.isArray(c.scopes) ||
    !c.scopes.every((s) => typeof s === "string")
  ) {
    throw new TokenError("malformed", "token claims are incomplete");
  }
  const claims: TokenClaims = { sub: c.sub, scopes: c.scopes, iat: c.iat, exp: c.exp, jti: typeof c.jti === "string" ? c.jti : "" };
  if (c.grants !== undefined) claims.grants = parseGrantsClaim(c.grants);
  return claims;
}

/** The signature vouches for the claims, but they are still read defensively: a bad shape is "malformed". */
function parseGrantsClaim(value: unknown): Record<string, Privilege[]> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TokenError("malformed", "token grants are not an object");
  const grants: Record<string, Privilege[]> = {};
  for (const [securable, privileges] of Object.entries(value)) {
    if (!Array.isArray(privileges)) throw new TokenError("malformed", "token grants are not lists of privileges");
    grants[securable] = privileges.map((p) => (typeof p === "string" ? normalizePrivilege(p) : undefined)).filter((p): p is Privilege => p !== undefined);
  }
  return grants;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
