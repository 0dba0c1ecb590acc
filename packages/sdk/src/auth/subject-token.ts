/**
 * The subject token of federated authentication (OFFICIAL-2X.md §3): a JWT from another identity provider
 * (a CI OIDC token, a Kubernetes projected service-account token), handed over by a function the caller
 * supplies and calls again for every token refresh, since such tokens are short-lived and rotated.
 *
 * The JWT is not verified here (the token endpoint does that); only its shape and `exp` are read, so that
 * an expired token fails fast with a clear reason and the exchanged token never outlives it. The token
 * itself never appears in an error message.
 */
import { boundedText } from "../bounded-text.js";
import { NonRetriableException, ZerobusException } from "../errors.js";

/**
 * Returns the subject JWT, synchronously or as a promise; called again for every token refresh, so it can
 * read a rotated file (e.g. `() => readFile("/var/run/secrets/tokens/zerobus", "utf8")`).
 */
export type SubjectTokenSupplier = () => string | Promise<string>;

/** A subject token that passed the checks, with its `exp` in ms since the epoch, if it has one. */
export interface SubjectToken {
  readonly jwt: string;
  readonly expiresAtMs: number | undefined;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Calls the supplier and checks what it returned. A supplier that throws is a retriable
 * {@link ZerobusException} (a token file may be briefly missing while it rotates); a value that is not a
 * string, not a JWT, or a JWT whose `exp` has passed is a {@link NonRetriableException} naming why.
 */
export async function readSubjectToken(supplier: SubjectTokenSupplier, now: number = Date.now()): Promise<SubjectToken> {
  let value: unknown;
  try {
    value = await supplier();
  } catch (err) {
    if (err instanceof ZerobusException) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ZerobusException(`Subject token supplier failed: ${boundedText(reason)}`, { cause: err });
  }
  if (typeof value !== "string") {
    throw new NonRetriableException(`Subject token supplier must return a JWT string, got ${value === null ? "null" : typeof value}`);
  }
  const jwt = value.trim();
  if (!JWT_SHAPE.test(jwt)) {
    throw new NonRetriableException(`Subject token is not a JWT (expected three base64url parts separated by dots; got ${jwt.length} characters)`);
  }
  const expiresAtMs = expiryOf(jwt);
  if (expiresAtMs !== undefined && expiresAtMs <= now) {
    const ago = Math.round((now - expiresAtMs) / 1000);
    throw new NonRetriableException(
      `Subject token expired at ${new Date(expiresAtMs).toISOString()} (${ago} s ago): the supplier must return a current token`,
    );
  }
  return { jwt, expiresAtMs };
}

/** The `exp` claim in ms, or `undefined` when the payload has none (or is not JSON). */
function expiryOf(jwt: string): number | undefined {
  const payload = jwt.split(".")[1] ?? "";
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw new NonRetriableException("Subject token is not a JWT: its payload is not base64url-encoded JSON");
  }
  const exp = claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>)["exp"] : undefined;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
