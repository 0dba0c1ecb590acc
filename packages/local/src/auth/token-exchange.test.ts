/**
 * Token exchange at the local service's token endpoint (RFC 8693; OFFICIAL-2X.md §3): subject JWTs of
 * trusted issuers (HS256, RS256, ES256) become tokens of the principal their claims map to; every other
 * subject token is refused with an OAuth error naming why, without quoting the token.
 */
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { authorizationDetails, startTestService, type TestService } from "../service/test-support/service-fixture.js";
import { JWT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE, createTokenExchanger } from "./token-exchange.js";

const HMAC_SECRET = "a-shared-secret-of-some-length";
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const pem = (key: KeyObject) => key.export({ type: "spki", format: "pem" }).toString();

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
function jwt(alg: "HS256" | "RS256" | "ES256" | "none", claims: Record<string, unknown>, secret: string | KeyObject = HMAC_SECRET): string {
  const input = `${b64({ alg, typ: "JWT" })}.${b64(claims)}`;
  if (alg === "none") return `${input}.`;
  const signature =
    alg === "HS256"
      ? createHmac("sha256", secret as string).update(input).digest()
      : sign("sha256", Buffer.from(input), alg === "ES256" ? { key: secret as KeyObject, dsaEncoding: "ieee-p1363" } : (secret as KeyObject));
  return `${input}.${signature.toString("base64url")}`;
}
const now = () => Math.floor(Date.now() / 1000);
const claims = (iss: string, extra: Record<string, unknown> = {}) => ({ iss, aud: "databricks", sub: "repo:acme/app", exp: now() + 600, ...extra });

let t: TestService;
before(async () => {
  t = await startTestService({
    tokenTtlSeconds: 3600,
    trustedIssuers: [
      { issuer: "https://hmac.example", audience: "databricks", hmacSecret: HMAC_SECRET },
      { issuer: "https://rsa.example", audience: "databricks", publicKey: pem(rsa.publicKey), principals: { "repo:acme/app": "ci-writer" } },
      { issuer: "https://ec.example", audience: "databricks", publicKey: pem(ec.publicKey), principalClaim: "email" },
    ],
  });
});
after(() => t.close());

async function exchange(subject: string, extra: Record<string, string> = {}) {
  const body = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
    subject_token: subject,
    subject_token_type: JWT_TOKEN_TYPE,
    scope: "all-apis",
    authorization_details: authorizationDetails("main.default.t"),
    ...extra,
  });
  const res = await fetch(`${t.service.workspaceUrl}/oidc/v1/token`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const subjectOf = (token: unknown) => (JSON.parse(Buffer.from(String(token).split(".")[1]!, "base64url").toString()) as { sub: string; exp: number; scopes: string[] });

describe("token exchange", () => {
  for (const [alg, issuer, key, principal, extra] of [
    ["HS256", "https://hmac.example", HMAC_SECRET, "repo:acme/app", {}],
    ["RS256", "https://rsa.example", rsa.privateKey, "ci-writer", {}],
    ["ES256", "https://ec.example", ec.privateKey, "dev@acme.example", { email: "dev@acme.example" }],
  ] as const) {
    it(`a trusted ${alg} subject token becomes a token of its principal (${principal}), capped by the subject's exp`, async () => {
      const { status, body } = await exchange(jwt(alg, claims(issuer, extra), key));
      assert.equal(status, 200, JSON.stringify(body));
      const issued = subjectOf(body.access_token);
      assert.equal(issued.sub, principal);
      assert.deepEqual(issued.scopes, ["main.default.t"]);
      assert.ok(Number(body.expires_in) <= 600 && Number(body.expires_in) > 590, `expires_in ${String(body.expires_in)}`);
    });
  }

  for (const [what, subject, status, reason] of [
    ["an unknown issuer", () => jwt("HS256", claims("https://evil.example")), 401, /unknown issuer 'https:\/\/evil\.example'/],
    ["a bad signature", () => jwt("HS256", claims("https://hmac.example"), "another-secret-entirely!"), 400, /bad signature/],
    ["alg none", () => jwt("none", claims("https://hmac.example")), 400, /algorithm "none" is not the issuer's HS256/],
    ["HS256 signed with the RSA issuer's public key", () => jwt("HS256", claims("https://rsa.example"), pem(rsa.publicKey)), 400, /algorithm "HS256" is not the issuer's RS256/],
    ["a wrong audience", () => jwt("HS256", claims("https://hmac.example", { aud: "other" })), 400, /wrong audience: expected 'databricks'/],
    ["an expired token", () => jwt("HS256", claims("https://hmac.example", { exp: now() - 3600 })), 400, /expired at/],
    ["a token not yet valid", () => jwt("HS256", claims("https://hmac.example", { nbf: now() + 3600 })), 400, /not valid before/],
    ["a subject with no principal", () => jwt("RS256", claims("https://rsa.example", { sub: "repo:other/app" }), rsa.privateKey), 400, /maps to no principal/],
    ["something that is not a JWT", () => "garbage", 400, /malformed JWT/],
  ] as const) {
    it(`refuses ${what} (${status}), naming why and never quoting the token`, async () => {
      const token = subject();
      const { status: got, body } = await exchange(token);
      assert.equal(got, status, JSON.stringify(body));
      assert.match(String(body.error_description), reason);
      assert.ok(!JSON.stringify(body).includes(token));
    });
  }

  it("refuses a wrong subject_token_type, and exchange on a service that trusts no issuer", async () => {
    const { status, body } = await exchange(jwt("HS256", claims("https://hmac.example")), { subject_token_type: "urn:x" });
    assert.deepEqual([status, body.error], [400, "invalid_request"]);
    const plain = await startTestService();
    try {
      const res = await fetch(`${plain.service.workspaceUrl}/oidc/v1/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: jwt("HS256", claims("https://hmac.example")), subject_token_type: JWT_TOKEN_TYPE }),
      });
      const refusal = (await res.json()) as Record<string, unknown>;
      assert.deepEqual([res.status, refusal.error], [400, "unsupported_grant_type"]);
      assert.match(String(refusal.error_description), /token exchange is not enabled on this service/);
    } finally {
      await plain.close();
    }
  });

  it("refuses a misconfigured issuer at start, naming it", () => {
    assert.throws(() => createTokenExchanger([{ issuer: "x", audience: "a" }]), /'x' needs exactly one of hmacSecret and publicKey/);
    assert.throws(() => createTokenExchanger([{ issuer: "x", audience: "a", hmacSecret: "short" }]), /at least 16 characters/);
    assert.throws(() => createTokenExchanger([{ issuer: "x", audience: "a", publicKey: "not pem" }]), /not a PEM public key/);
    assert.throws(() => createTokenExchanger([{ issuer: "x", audience: "", hmacSecret: HMAC_SECRET }]), /needs a non-empty 'audience'/);
  });
});
