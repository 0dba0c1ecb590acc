import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { startTestService, workspaceToken, type TestService } from "../service/test-support/service-fixture.js";

const TABLES = "/api/2.1/unity-catalog/tables";

describe("Unity Catalog REST subset", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    token = await workspaceToken(t.service);
  });
  after(() => t.close());

  const call = (method: string, path: string, body?: unknown, bearer: string | undefined = token) =>
    fetch(`${t.service.workspaceUrl}${path}`, {
      method,
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("creates a table from the real UC body, then gets, lists and deletes it", async () => {
    const created = await call("POST", TABLES, {
      name: "Orders",
      catalog_name: "main",
      schema_name: "sales",
      table_type: "MANAGED",
      data_source_format: "DELTA",
      columns: [
        { name: "amount", type_text: "decimal(10,2)", type_name: "DECIMAL", nullable: true, position: 1 },
        { name: "id", type_text: "bigint", type_json: '{"name":"id","type":"long","nullable":false,"metadata":{}}', type_name: "LONG", nullable: false, position: 0 },
        { name: "tags", type_text: "array<string>", type_name: "ARRAY", position: 2 },
      ],
    });
    assert.equal(created.status, 200, await created.clone().text());
    const got = await call("GET", `${TABLES}/${encodeURIComponent("main.sales.orders")}`);
    assert.equal(got.status, 200);
    const table = (await got.json()) as Record<string, unknown> & { columns: Array<Record<string, unknown>> };
    assert.equal(table.full_name, "main.sales.orders");
    assert.equal(table.table_type, "MANAGED");
    assert.equal(table.data_source_format, "DELTA");
    assert.match(String(table.storage_location), /^file:\/\/.*\/main\/sales\/orders$/);
    assert.equal(typeof table.created_at, "number");
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type_text, c.type_name, c.nullable, c.position]),
      [["id", "bigint", "LONG", false, 0], ["amount", "decimal(10,2)", "DECIMAL", true, 1], ["tags", "array<string>", "ARRAY", true, 2]],
    );
    assert.deepEqual(JSON.parse(String(table.columns[0]?.type_json)), { name: "id", type: "long", nullable: false, metadata: {} });

    const list = (await (await call("GET", `${TABLES}?catalog_name=main&schema_name=sales`)).json()) as { tables: Array<{ name: string }> };
    assert.deepEqual(list.tables.map((x) => x.name), ["orders"]);

    assert.equal((await call("POST", TABLES, { name: "orders", catalog_name: "main", schema_name: "sales", columns: [{ name: "x", type_text: "int" }] })).status, 409);
    assert.equal((await call("DELETE", `${TABLES}/main.sales.orders`)).status, 200);
    const gone = await call("GET", `${TABLES}/main.sales.orders`);
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), { error_code: "TABLE_DOES_NOT_EXIST", message: "Table 'main.sales.orders' does not exist." });
  });

  const rawGet = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(t.service.workspaceUrl);
      const req = request({ hostname, port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject).end();
    });

  it("refuses path-traversal names and bad bodies with 400", async () => {
    for (const path of [`${TABLES}/${encodeURIComponent("../x")}`, `${TABLES}/a.b/c.d`, `${TABLES}/../x.y.z`]) {
      // node:http sends the path as written (fetch would normalise the "..").
      const { status, body } = await rawGet(path);
      assert.equal(status, 400, path);
      assert.equal((JSON.parse(body) as { error_code: string }).error_code, "INVALID_PARAMETER_VALUE");
    }
    const bad = await call("POST", TABLES, { name: "../t", catalog_name: "main", schema_name: "sales", columns: [{ name: "x", type_text: "int" }] });
    assert.equal(bad.status, 400);
    const badType = await call("POST", TABLES, { name: "t", catalog_name: "main", schema_name: "sales", columns: [{ name: "x", type_text: "integr" }] });
    assert.equal(badType.status, 400);
    assert.match(((await badType.json()) as { message: string }).message, /column 'x'/);
  });

  it("needs a valid bearer token", async () => {
    const res = await call("GET", `${TABLES}/main.sales.orders`, undefined, "");
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error_code: string }).error_code, "UNAUTHENTICATED");
    assert.equal((await call("GET", `${TABLES}/main.sales.orders`, undefined, "forged.token.here")).status, 401);
  });
});
