/**
 * Verification of JWTs from external identity providers (the subject tokens of a token exchange), with
 * `node:crypto` alone: HS256 (a shared secret), RS256 (an RSA public key) and ES256 (a P-256 public key).
 * Three algorithms need a dozen lines each, so no JWT library is worth its dependency here.
 *
 * The algorithm is taken from the key the issuer is configured with, never from the token alone: a token
 * whose header names another algorithm is refused ("alg confusion", e.g. HS256 signed with an RSA public
 * key as the secret, or `none`).
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";

/** How a JWT is checked: the key that must have signed it. */
export type JwtKey = { kind: "hmac"; secret: Buffer } | { kind: "public"; key: KeyObject; alg: "RS256" | "ES256" };

/** Why a JWT was refused. */
export class JwtError extends Error {
  override readonly name = "JwtError";
}

/** A JWT split and decoded, not yet verified. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** The key for an issuer configured with an HMAC secret or a PEM public key (RSA → RS256, EC P-256 → ES256). */
export function jwtKey(config: { hmacSecret?: string | undefined; publicKey?: string | undefined }, issuer: string): JwtKey {
  if ((config.hmacSecret === undefined) === (config.publicKey === undefined)) {
    throw new RangeError(`trusted issuer '${issuer}' needs exactly one of hmacSecret and publicKey`);
  }
  if (config.hmacSecret !== undefined) {
    if (config.hmacSecret.length < 16) throw new RangeError(`trusted issuer '${issuer}': hmacSecret must be at least 16 characters`);
    return { kind: "hmac", secret: Buffer.from(config.hmacSecret, "utf8") };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(config.publicKey!);
  } catch (err) {
    throw new RangeError(`trusted issuer '${issuer}': publicKey is not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType === "rsa") return { kind: "public", key, alg: "RS256" };
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return { kind: "public", key, alg: "ES256" };
  throw new RangeError(`trusted issuer '${issuer}': publicKey must be RSA (RS256) or EC P-256 (ES256), got ${key.asymmetricKeyType}`);
}

const part = (text: string, what: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new JwtError(`malformed JWT: its ${what} is not base64url-encoded JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new JwtError(`malformed JWT: its ${what} is not a JSON object`);
  return value as Record<string, unknown>;
};

/** Splits and decodes a JWT; throws {@link JwtError} when it is not one. Nothing is verified yet. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || parts[0] === "" || parts[1] === "") {
    throw new JwtError("malformed JWT: expected three base64url parts separated by dots");
  }
  const [header, claims, signature] = parts as [string, string, string];
  return { header: part(header, "header"), claims: part(claims, "payload"), signingInput: `${header}.${claims}`, signature: Buffer.from(signature, "base64url") };
}

/** Checks the signature of `jwt` with `key`; throws {@link JwtError} naming the problem. */
export function verifyJwtSignature(jwt: DecodedJwt, key: JwtKey): void {
  const alg = jwt.header["alg"];
  const expected = key.kind === "hmac" ? "HS256" : key.alg;
  if (alg !== expected) throw new JwtError(`JWT algorithm ${JSON.stringify(alg)} is not the issuer's ${expected}`);
  const input = Buffer.from(jwt.signingInput, "utf8");
  let ok: boolean;
  if (key.kind === "hmac") {
    const mac = createHmac("sha256", key.secret).update(input).digest();
    ok = mac.length === jwt.signature.length && timingSafeEqual(mac, jwt.signature);
  } else {
    const options = key.alg === "ES256" ? { key: key.key, dsaEncoding: "ieee-p1363" as const } : key.key;
    ok = verify("sha256", input, options, jwt.signature);
  }
  if (!ok) throw new JwtError("bad signature: the JWT was not signed by the issuer's key");
}
