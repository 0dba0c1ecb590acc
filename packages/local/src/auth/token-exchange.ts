/**
 * Token exchange (RFC 8693) at `POST /oidc/v1/token`, so federated authentication can be tested end to end
 * (OFFICIAL-2X.md §3): a subject JWT from an issuer the service is configured to trust is traded for a
 * token, issued to the principal its claims map to. Anything else is refused with an OAuth error whose
 * description names why — unknown issuer, wrong algorithm, bad signature, wrong audience, expired, not yet
 * valid, no principal — and never quotes the token.
 */
import { decodeJwt, JwtError, jwtKey, verifyJwtSignature, type JwtKey } from "./jwt-verification.js";

/** `grant_type` of a token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

/** The only `subject_token_type` accepted. */
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/**
 * An identity provider whose JWTs the local service accepts as subject tokens (`startLocalService({
 * trustedIssuers })`, `zerobus local --trust-issuer FILE`). Exactly one of `hmacSecret` and `publicKey`.
 */
export interface TrustedIssuer {
  /** The `iss` claim this entry is for, e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** The `aud` claim (a string, or a list containing it) the tokens must carry, e.g. `databricks`. */
  audience: string;
  /** HS256: the shared secret (at least 16 characters). */
  hmacSecret?: string;
  /** RS256 (RSA) or ES256 (EC P-256): the issuer's public key, PEM. */
  publicKey?: string;
  /** The claim that names the caller. Default `sub`. */
  principalClaim?: string;
  /**
   * Which principal (OAuth client id) a claim value becomes. When given, a value not listed is refused;
   * without it the principal is the claim value itself.
   */
  principals?: Record<string, string>;
}

/** Accepted clock skew between the issuer and this service, in seconds. */
const CLOCK_SKEW_SECONDS = 60;

/** The outcome of an exchange: the principal and how long its token may live, or the OAuth refusal. */
export type ExchangeOutcome =
  | { ok: true; principal: string; maxTtlSeconds: number | undefined }
  | { ok: false; status: 400 | 401; error: string; description: string };

/** Checks a token-exchange request's subject token against the trusted issuers. */
export type TokenExchanger = (form: URLSearchParams) => ExchangeOutcome;

interface CompiledIssuer {
  readonly config: TrustedIssuer;
  readonly key: JwtKey;
}

const refuse = (description: string, error = "invalid_grant", status: 400 | 401 = 400): ExchangeOutcome => ({ ok: false, status, error, description });

/**
 * Validates the issuers (a `RangeError` naming the one at fault) and returns the exchange check. The
 * exchanged token lives at most until the subject token's `exp`.
 */
export function createTokenExchanger(issuers: readonly TrustedIssuer[], now: () => number = Date.now): TokenExchanger {
  const byIssuer = new Map<string, CompiledIssuer>();
  for (const config of issuers) {
    if (typeof config?.issuer !== "string" || config.issuer === "") throw new RangeError("a trusted issuer needs a non-empty 'issuer'");
    if (typeof config.audience !== "string" || config.audience === "") throw new RangeError(`trusted issuer '${config.issuer}' needs a non-empty 'audience'`);
    if (byIssuer.has(config.issuer)) throw new RangeError(`trusted issuer '${config.issuer}' is listed twice`);
    byIssuer.set(config.issuer, { config, key: jwtKey(config, config.issuer) });
  }
  return (form) => {
    const subject = form.get("subject_token");
    if (subject === null || subject === "") return refuse("subject_token is required", "invalid_request");
    const type = form.get("subject_token_type");
    if (type !== JWT_TOKEN_TYPE) return refuse(`subject_token_type must be ${JWT_TOKEN_TYPE}, got '${(type ?? "").slice(0, 100)}'`, "invalid_request");
    try {
      return verifySubject(subject, byIssuer, now() / 1000);
    } catch (err) {
      if (err instanceof JwtError) return refuse(`subject token refused: ${err.message}`);
      throw err;
    }
  };
}

function verifySubject(subject: string, issuers: Map<string, CompiledIssuer>, nowSeconds: number): ExchangeOutcome {
  const jwt = decodeJwt(subject);
  const iss = jwt.claims["iss"];
  const issuer = typeof iss === "string" ? issuers.get(iss) : undefined;
  if (issuer === undefined) {
    const shown = typeof iss === "string" ? `'${iss.slice(0, 200)}'` : "missing";
    return refuse(`subject token refused: unknown issuer ${shown} (not a trusted issuer of this service)`, "invalid_grant", 401);
  }
  verifyJwtSignature(jwt, issuer.key);
  const { config } = issuer;
  const aud = jwt.claims["aud"];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(config.audience)) throw new JwtError(`wrong audience: expected '${config.audience}'`);
  const exp = jwt.claims["exp"];
  if (typeof exp !== "number") throw new JwtError("the JWT has no exp claim");
  if (exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw new JwtError(`expired at ${new Date(exp * 1000).toISOString()}`);
  const nbf = jwt.claims["nbf"];
  if (typeof nbf === "number" && nbf - CLOCK_SKEW_SECONDS > nowSeconds) throw new JwtError(`not valid before ${new Date(nbf * 1000).toISOString()}`);
  const claimName = config.principalClaim ?? "sub";
  const value = jwt.claims[claimName];
  if (typeof value !== "string" || value === "") throw new JwtError(`no '${claimName}' claim to name the principal`);
  const principal = config.principals === undefined ? value : Object.hasOwn(config.principals, value) ? config.principals[value] : undefined;
  if (principal === undefined) throw new JwtError(`'${claimName}' ${JSON.stringify(value.slice(0, 200))} maps to no principal of issuer '${config.issuer}'`);
  return { ok: true, principal, maxTtlSeconds: Math.max(1, Math.floor(exp - nowSeconds)) };
}

/** The refusal when no issuer is trusted: token exchange is off. */
export const EXCHANGE_DISABLED: ExchangeOutcome = refuse(
  "token exchange is not enabled on this service: start it with trusted issuers (trustedIssuers, zerobus local --trust-issuer FILE)",
  "unsupported_grant_type",
);
