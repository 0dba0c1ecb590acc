import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createGrantSet, GrantsError } from "./grants.js";
import { within } from "../service/test-support/raw-zerobus-client.js";
import { startTestService, tokenFor, workspaceToken, type TestService } from "../service/test-support/service-fixture.js";

const TABLES = "/api/2.1/unity-catalog/tables";

describe("grants", () => {
  it("inherit downward, and ALL_PRIVILEGES covers everything but MANAGE", () => {
    const grants = createGrantSet({ main: ["use catalog"], "main.default": ["USE_SCHEMA", "SELECT"], "*": ["ALL_PRIVILEGES"] });
    assert.equal(grants.has("SELECT", "main.default.t"), true);
    assert.equal(grants.has("USE_CATALOG", "other"), true);
    assert.equal(grants.has("MANAGE", "main.default.t"), false);
    const narrow = createGrantSet({ "main.default.t": ["SELECT"] });
    assert.equal(narrow.has("SELECT", "main.default.t"), true);
    assert.equal(narrow.has("SELECT", "main.default.u"), false);
    assert.throws(() => createGrantSet({ main: ["SELEKT"] }), /unknown privilege "SELEKT"/);
    assert.throws(() => createGrantSet({ "a.b.c.d": ["SELECT"] }), GrantsError);
  });
});

describe("REST is table-scoped", () => {
  let t: TestService;
  const A = "main.default.a";
  const B = "main.default.b";
  before(async () => {
    t = await startTestService({
      principals: { admin: "s1", writer: "s2" },
      grants: {
        admin: { "*": ["ALL_PRIVILEGES", "MANAGE"] },
        writer: { main: ["USE_CATALOG"], "main.default": ["USE_SCHEMA"], [B]: ["SELECT", "MODIFY"] },
      },
    });
    await t.service.createTable(A, "id BIGINT");
    await t.service.createTable(B, "id BIGINT");
  });
  after(() => t.close());

  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${t.service.workspaceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const createBody = (name: string) => ({ name, catalog_name: "main", schema_name: "default", table_type: "MANAGED", data_source_format: "DELTA", columns: [{ name: "id", type_text: "bigint", type_name: "LONG", position: 0 }] });

  async function assertDenied(res: Response, what: RegExp): Promise<void> {
    assert.equal(res.status, 403);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.error_code, "PERMISSION_DENIED");
    assert.match(String(body.message), what);
  }

  it("a token for table B cannot read, delete or create table A; A is intact", async () => {
    // The admin's token, scoped to B as the SDK asks for it, and the writer's workspace token.
    const tokens = [await tokenFor(t.service, B), await workspaceToken(t.service, { clientId: "writer", clientSecret: "s2" })];
    for (const token of tokens) {
      await assertDenied(await call("GET", `${TABLES}/${A}/rows`, token), /does not have SELECT on table 'main\.default\.a'/);
      await assertDenied(await call("GET", `${TABLES}/${A}`, token), /SELECT or BROWSE on table/);
      await assertDenied(await call("DELETE", `${TABLES}/${A}`, token), /MANAGE on table 'main\.default\.a'/);
      await assertDenied(await call("POST", TABLES, token, createBody("c")), /CREATE_TABLE on schema 'main\.default'/);
      assert.equal((await call("GET", `${TABLES}/${B}/rows`, token)).status, 200);
      const listed = (await (await call("GET", `${TABLES}?catalog_name=main&schema_name=default`, token)).json()) as { tables: Array<{ full_name: string }> };
      assert.deepEqual(listed.tables.map((x) => x.full_name), [B]);
    }
    const admin = await workspaceToken(t.service);
    assert.equal((await call("GET", `${TABLES}/${A}`, admin)).status, 200);
    await assertDenied(await call("GET", `${TABLES}?catalog_name=other&schema_name=default`, tokens[1]!), /USE_CATALOG on catalog 'other'/);
  });

  it("the token endpoint issues only what the principal holds", async () => {
    const res = await fetch(`${t.service.workspaceUrl}/oidc/v1/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("writer:s2").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", authorization_details: JSON.stringify([{ type: "unity_catalog_privileges", privileges: ["SELECT", "MODIFY"], object_type: "TABLE", object_full_path: A }]) }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    await assertDenied(await call("GET", `${TABLES}/${A}/rows`, token), /does not have USE_CATALOG on catalog 'main'/);
    const opened = t.client.open({ token, table: A });
    const status = await within(5000, opened.status, "the refused call");
    assert.equal(status.code, 7);
    assert.match(status.details, /does not grant MODIFY on table 'main\.default\.a'.*Error Code: 4024/);
  });
});
