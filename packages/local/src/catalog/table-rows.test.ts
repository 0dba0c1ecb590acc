import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { commitVersion, DeltaTableWriter } from "../delta/index.js";
import { startTestService, workspaceToken, type TestService } from "../service/test-support/service-fixture.js";

const ROWS = "/api/2.1/unity-catalog/tables/main.sales.orders/rows";

describe("GET …/tables/{full_name}/rows", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    const info = await t.service.createTable("main.sales.orders", "id BIGINT NOT NULL, amount DECIMAL(10,2), at TIMESTAMP, raw BINARY, tags MAP<STRING, INT>");
    const writer = await DeltaTableWriter.open(info.dir, { maxDelayMs: 0 });
    await writer.append([{ id: 9_007_199_254_740_993n, amount: -1250n, at: 1_700_000_000_000_001n, raw: Uint8Array.of(1, 2, 3), tags: [["a", 1]] }], { appId: "s", version: 0n });
    await writer.append([{ id: 2n }, { id: 3n }], { appId: "s", version: 1n });
    await writer.close();
    token = await workspaceToken(t.service);
  });
  after(() => t.close());

  const get = (path: string, bearer: string | null = token) =>
    fetch(`${t.service.workspaceUrl}${path}`, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });

  it("returns rows as lossless JSON, with columns, version and truncation", async () => {
    const res = await get(`${ROWS}?limit=2`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body["full_name"], "main.sales.orders");
    assert.equal(body["version"], 2);
    assert.equal(body["truncated"], true);
    assert.equal(body["row_count"], 3);
    assert.deepEqual((body["columns"] as Array<{ name: string; type_text: string }>).map((c) => `${c.name} ${c.type_text}`), [
      "id bigint", "amount decimal(10,2)", "at timestamp", "raw binary", "tags map<string,int>",
    ]);
    assert.deepEqual(body["rows"], [
      { id: "9007199254740993", amount: "-12.50", at: "2023-11-14T22:13:20.000001Z", raw: "AQID", tags: [["a", 1]] },
      { id: "2", amount: null, at: null, raw: null, tags: null },
    ]);
  });

  it("travels in time with version=", async () => {
    const body = (await (await get(`${ROWS}?version=1`)).json()) as { rows: unknown[]; version: number; truncated: boolean; row_count: number };
    assert.deepEqual([body.version, body.rows.length, body.truncated, body.row_count], [1, 1, false, 1]);
    const countOnly = (await (await get(`${ROWS}?limit=0`)).json()) as { rows: unknown[]; row_count: number };
    assert.deepEqual([countOnly.rows.length, countOnly.row_count], [0, 3]);
  });

  it("refuses bad parameters, unknown tables and versions, unreadable tables, and callers without a token", async () => {
    for (const query of ["limit=-1", "limit=abc", "limit=10001", "version=1.5"]) {
      assert.equal((await get(`${ROWS}?${query}`)).status, 400, query);
    }
    const future = await get(`${ROWS}?version=99`);
    assert.equal(future.status, 400);
    assert.match(((await future.json()) as { message: string }).message, /Version 99 .* does not exist \(latest is 2\)/);
    const missing = await get("/api/2.1/unity-catalog/tables/main.sales.nothing/rows");
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error_code: string }).error_code, "TABLE_DOES_NOT_EXIST");
    assert.equal((await get(ROWS, null)).status, 401);
    assert.equal((await fetch(`${t.service.workspaceUrl}${ROWS}`, { method: "POST", headers: { authorization: `Bearer ${token}` } })).status, 405);

    const info = await t.service.createTable("main.sales.future", "id BIGINT");
    await commitVersion(info.dir, 1, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["catalogManaged"], writerFeatures: ["catalogManaged"] } }]);
    const refused = await get("/api/2.1/unity-catalog/tables/main.sales.future/rows");
    assert.equal(refused.status, 501);
    assert.match(((await refused.json()) as { message: string }).message, /reader feature "catalogManaged"/);
  });
});
