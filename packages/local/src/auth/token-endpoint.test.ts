import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { authorizationDetails, requestToken, startTestService, type TestService } from "../service/test-support/service-fixture.js";
import { AuthorizationDetailsError, parseAuthorizationDetails } from "./authorization-details.js";
import { createTokenAuthority, TokenError } from "./token-authority.js";

describe("token authority", () => {
  it("verifies its own tokens and refuses forged, malformed and expired ones", () => {
    let now = 1_000_000;
    const authority = createTokenAuthority({ now: () => now });
    const { token, claims } = authority.issueToken({ clientId: "c", scopes: ["a.b.c"], ttlSeconds: 60 });
    assert.deepEqual(authority.verifyToken(token).scopes, ["a.b.c"]);
    assert.equal(claims.exp - claims.iat, 60);
    const problem = (t: string) => {
      try {
        authority.verifyToken(t);
      } catch (err) {
        assert.ok(err instanceof TokenError);
        return err.problem;
      }
      return "accepted";
    };
    assert.equal(problem(createTokenAuthority().issueToken({ clientId: "c", scopes: [], ttlSeconds: 60 }).token), "bad-signature");
    assert.equal(problem("not-a-token"), "malformed");
    now += 60_000;
    assert.equal(problem(token), "expired");
  });
});

describe("parseAuthorizationDetails", () => {
  it("reads the privileges asked for per securable, with or without operations", () => {
    const expected = [
      { securable: "main", privileges: ["USE_CATALOG"] },
      { securable: "main.default", privileges: ["USE_SCHEMA"] },
      { securable: "main.default.t", privileges: ["SELECT", "MODIFY"] },
    ];
    assert.deepEqual(parseAuthorizationDetails(authorizationDetails("Main.Default.T")), expected);
    assert.deepEqual(parseAuthorizationDetails(authorizationDetails("main.default.t", true)), expected);
    const other = JSON.stringify([{ type: "unity_catalog_privileges", privileges: ["SELECT", "WRITE_FILES"], object_type: "EXTERNAL_LOCATION", object_full_path: "x" }]);
    assert.deepEqual(parseAuthorizationDetails(other), []);
  });

  it("refuses malformed details", () => {
    for (const bad of ["{", "{}", "[1]", '[{"type": 1}]', '[{"type": "unity_catalog_privileges", "privileges": "MODIFY", "object_type": "TABLE", "object_full_path": "a.b.c"}]', '[{"type": "unity_catalog_privileges", "privileges": ["MODIFY"], "object_type": "TABLE", "object_full_path": "../x"}]', '[{"type": "unity_catalog_privileges", "privileges": ["MODIFY"], "object_type": "TABLE", "object_full_path": "a.b"}]']) {
      assert.throws(() => parseAuthorizationDetails(bad), AuthorizationDetailsError, bad);
    }
  });
});

describe("POST /oidc/v1/token", () => {
  let t: TestService;
  before(async () => {
    t = await startTestService({ principals: { "my-client": "s3cret" } });
  });
  after(() => t.close());

  it("issues a bearer token for good client credentials", async () => {
    assert.equal(t.service.clientId, "my-client");
    const res = await requestToken(t.service, { grant_type: "client_credentials", scope: "all-apis", authorization_details: authorizationDetails("a.b.c", true) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(typeof body.access_token, "string");
  });

  it("answers 401 with an OAuth error for bad credentials", async () => {
    const res = await requestToken(t.service, { grant_type: "client_credentials" }, { clientId: "my-client", clientSecret: "wrong" });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, "invalid_client");
    const anonymous = await fetch(`${t.service.workspaceUrl}/oidc/v1/token`, { method: "POST", body: "grant_type=client_credentials" });
    assert.equal(anonymous.status, 401);
  });

  it("answers 400 for malformed authorization_details or another grant type", async () => {
    const bad = await requestToken(t.service, { grant_type: "client_credentials", authorization_details: "[{" });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error_description: string }).error_description, /authorization_details/);
    const grant = await requestToken(t.service, { grant_type: "password" });
    assert.equal(grant.status, 400);
  });

  it("GET /health answers ok", async () => {
    const res = await fetch(`${t.service.workspaceUrl}/health`);
    assert.deepEqual(await res.json(), { status: "ok" });
  });
});
