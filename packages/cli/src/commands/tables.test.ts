import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { startServiceFixture, type ServiceFixture } from "../test-support/local-service-fixture.js";
import { runZerobus } from "../test-support/run-zerobus.js";

describe("zerobus tables (real binary against a local service)", { timeout: 60_000 }, () => {
  let fx: ServiceFixture;
  before(async () => {
    fx = await startServiceFixture();
  });
  after(async () => {
    await fx.close();
  });
  const zerobus = (...args: string[]) => runZerobus(args, { env: fx.env });

  test("create sends a UC body the service understands; list and describe read it back", async () => {
    const created = await zerobus("tables", "create", "main.default.air", "device_name STRING NOT NULL COMMENT 'who', temp INT, tags ARRAY<STRING>, price DECIMAL(10,2), info STRUCT<a:BIGINT, b:VARCHAR(5)>");
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, "created table main.default.air\n");
    const fields = (await readTable(join(fx.dataDir, "main", "default", "air"))).fields;
    assert.deepEqual(
      fields.map((f) => [f.name, f.type.kind === "primitive" ? f.type.name : f.type.kind, f.nullable]),
      [["device_name", "string", false], ["temp", "integer", true], ["tags", "array", true], ["price", "decimal", true], ["info", "struct", true]],
    );
    assert.equal(fields[0]!.metadata["comment"], "who");

    const [again, ifNotExists, list, describeText, describeJson, missing] = await Promise.all([
      zerobus("tables", "create", "main.default.air", "x INT"),
      zerobus("tables", "create", "main.default.air", "x INT", "--if-not-exists"),
      zerobus("tables", "list", "main.default"),
      zerobus("tables", "describe", "main.default.air"),
      zerobus("tables", "describe", "main.default.air", "--json"),
      zerobus("tables", "describe", "main.default.nope"),
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^zerobus tables create: POST \/api\/2\.1\/unity-catalog\/tables failed: HTTP 409 TABLE_ALREADY_EXISTS/);
    assert.equal(ifNotExists.code, 0, ifNotExists.stderr);
    assert.equal(ifNotExists.stdout, "table main.default.air exists: left as it is\n");
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, "main.default.air\n");
    assert.equal(describeText.code, 0, describeText.stderr);
    assert.match(describeText.stdout, /^main\.default\.air {2}\(MANAGED DELTA\)\n/);
    assert.match(describeText.stdout, /^ {2}device_name +string +NOT NULL +who$/m);
    assert.match(describeText.stdout, /^ {2}info +struct<a:bigint,b:string>$/m);
    const json = JSON.parse(describeJson.stdout) as { full_name: string; columns: Array<{ name: string; type_text: string }> };
    assert.equal(json.full_name, "main.default.air");
    assert.deepEqual(json.columns.map((c) => c.type_text), ["string", "int", "array<string>", "decimal(10,2)", "struct<a:bigint,b:string>"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /HTTP 404 TABLE_DOES_NOT_EXIST/);
  });

  test("head and count read the rows from the data dir", async () => {
    await fx.service.createTable("main.default.rows", "id BIGINT NOT NULL, name STRING, day DATE, at TIMESTAMP, amount DECIMAL(6,2), raw BINARY");
    const sdk = new ZerobusSdk(fx.service.serverEndpoint, fx.service.workspaceUrl);
    try {
      const stream = await sdk.createStream(fx.service.clientId, fx.service.clientSecret, new TableProperties("main.default.rows"), { recordType: RecordType.JSON });
      await stream.ingestRecords([
        { id: 9007199254740993n, name: "a", day: "2024-02-29", at: "2024-02-29T12:34:56.123456Z", amount: "-1.05", raw: "AAE=" },
        { id: 2, name: null },
        { id: 3, name: "c" },
      ]);
      await stream.close();
    } finally {
      sdk.close();
    }
    const [count, head, headAll] = await Promise.all([
      zerobus("tables", "count", "main.default.rows", "--data-dir", fx.dataDir),
      zerobus("tables", "head", "main.default.rows", "-n", "2", "--data-dir", fx.dataDir),
      zerobus("tables", "head", "main.default.rows", "--data-dir", fx.dataDir),
    ]);
    assert.equal(count.code, 0, count.stderr);
    assert.equal(count.stdout, "3\n");
    assert.equal(head.code, 0, head.stderr);
    assert.equal(
      head.stdout,
      '{"id":9007199254740993,"name":"a","day":"2024-02-29","at":"2024-02-29T12:34:56.123456Z","amount":-1.05,"raw":"AAE="}\n' +
        '{"id":2,"name":null,"day":null,"at":null,"amount":null,"raw":null}\n',
    );
    assert.equal(headAll.stdout.split("\n").length, 4);

    // Without --data-dir: the same text, through the service's rows API.
    const [countApi, headApi] = await Promise.all([zerobus("tables", "count", "main.default.rows"), zerobus("tables", "head", "main.default.rows", "-n", "2")]);
    assert.equal(countApi.code, 0, countApi.stderr);
    assert.equal(countApi.stdout, count.stdout);
    assert.equal(headApi.code, 0, headApi.stderr);
    assert.equal(headApi.stdout, head.stdout);
  });

  test("head renders every type the same from files and from the rows API", async () => {
    const columns = "b BOOLEAN, i TINYINT, f FLOAT, d DOUBLE, ts_ntz TIMESTAMP_NTZ, m MAP<STRING, BIGINT>, mi MAP<INT, STRING>, a ARRAY<DECIMAL(20,3)>, s STRUCT<x: BIGINT, y: DATE>";
    await fx.service.createTable("main.default.types", columns);
    const sdk = new ZerobusSdk(fx.service.serverEndpoint, fx.service.workspaceUrl);
    try {
      const stream = await sdk.createStream(fx.service.clientId, fx.service.clientSecret, new TableProperties("main.default.types"), { recordType: RecordType.JSON });
      await stream.ingestRecords([
        { b: true, i: -7, f: 1.5, d: "NaN", ts_ntz: "2024-01-31T12:00:00.000001", m: { k: "9007199254740993" }, mi: [[1, "one"]], a: ["12345678901234567.125"], s: { x: -1, y: "1970-01-02" } },
        {},
      ]);
      await stream.close();
    } finally {
      sdk.close();
    }
    const [fromFiles, fromApi] = await Promise.all([zerobus("tables", "head", "main.default.types", "--data-dir", fx.dataDir), zerobus("tables", "head", "main.default.types")]);
    assert.equal(fromFiles.code, 0, fromFiles.stderr);
    assert.equal(fromApi.code, 0, fromApi.stderr);
    assert.equal(fromApi.stdout, fromFiles.stdout);
    assert.equal(
      fromFiles.stdout.split("\n")[0],
      '{"b":true,"i":-7,"f":1.5,"d":"NaN","ts_ntz":"2024-01-31T12:00:00.000001","m":{"k":9007199254740993},"mi":[[1,"one"]],"a":[12345678901234567.125],"s":{"x":-1,"y":"1970-01-02"}}',
    );
  });

  test("bad command lines exit 2 and say what to change; failures exit 1", async () => {
    const [help, noSub, badSub, noArg, badName, badColumns, noDataDir, noEnv, unknownTable] = await Promise.all([
      zerobus("tables", "--help"),
      zerobus("tables"),
      zerobus("tables", "drop", "a.b.c"),
      zerobus("tables", "describe"),
      zerobus("tables", "describe", "just_a_name"),
      zerobus("tables", "create", "main.default.bad", "a INT,"),
      runZerobus(["tables", "count", "main.default.rows"], { env: {} }),
      runZerobus(["tables", "list", "main.default"], { env: {} }),
      zerobus("tables", "count", "main.default.none", "--data-dir", fx.dataDir),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: zerobus tables <command>/);
    assert.equal(noSub.code, 2);
    assert.match(noSub.stderr, /^Usage: zerobus tables/);
    assert.equal(badSub.code, 2);
    assert.match(badSub.stderr, /unknown tables command 'drop'/);
    assert.equal(noArg.code, 2);
    assert.match(noArg.stderr, /^zerobus tables describe: missing argument \(usage: zerobus tables describe TABLE\)\nRun 'zerobus tables describe --help' for usage\.\n$/);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /three parts, catalog\.schema\.table; got 'just_a_name'/);
    assert.equal(badColumns.code, 2);
    assert.match(badColumns.stderr, /bad column list: expected a column name, found the end of the text/);
    assert.equal(noDataDir.code, 2);
    assert.match(noDataDir.stderr, /reading rows needs a running 'zerobus local' \(pass --workspace-url or set DATABRICKS_WORKSPACE_URL\) or --data-dir DIR/);
    assert.equal(noEnv.code, 2);
    assert.match(noEnv.stderr, /missing workspace url: pass --workspace-url or set DATABRICKS_WORKSPACE_URL/);
    assert.equal(unknownTable.code, 1);
    assert.match(unknownTable.stderr, /table main\.default\.none does not exist under/);
  });

  test("head against a workspace without the rows API says so and points at --data-dir", async () => {
    // Stands in for a Databricks workspace (which cannot run here): a token endpoint, and 404 for anything else.
    const workspace = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/oidc/v1/token") return void res.end(JSON.stringify({ access_token: "t", token_type: "Bearer", expires_in: 3600 }));
      res.statusCode = 404;
      res.end(JSON.stringify({ error_code: "ENDPOINT_NOT_FOUND", message: "No API found" }));
    });
    await new Promise<void>((resolve) => workspace.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(workspace.address() as AddressInfo).port}`;
      const result = await runZerobus(["tables", "head", "main.default.rows"], { env: { ...fx.env, DATABRICKS_WORKSPACE_URL: url } });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /the workspace has no rows API \(only 'zerobus local' serves rows over HTTP\); pass --data-dir DIR/);
    } finally {
      workspace.close();
    }
  });

  test("wrong credentials are refused with a clear message", async () => {
    const result = await runZerobus(["tables", "list", "main.default"], { env: { ...fx.env, DATABRICKS_CLIENT_SECRET: "wrong" } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the workspace at http:.* refused the client credentials of 'zerobus-local-dev': .*\(401\)/);
    assert.doesNotMatch(result.stderr, /wrong/);
  });
});
