import assert from "node:assert/strict";
import { once } from "node:events";
import { rm, mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import { TableProperties } from "../table-properties.js";
import { loadLocalModule } from "../test-support/local-zerobus.js";
import { fetchTableSchema } from "./fetch-table-schema.js";
import { tableSchemaToDescriptor } from "./table-schema-to-proto.js";

const TIMEOUT = { timeout: 30_000 };

/** Runs `body` against a catalog endpoint on 127.0.0.1 answering every request with `reply(request)`. */
async function withCatalog(
  reply: (req: IncomingMessage) => { status: number; body: string },
  body: (url: string, seen: IncomingMessage[]) => Promise<void>,
): Promise<void> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    const { status, body: text } = reply(req);
    req.resume().on("end", () => res.writeHead(status, { "content-type": "application/json" }).end(text));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<ZerobusException> {
  const err = await promise.then(() => assert.fail("expected a rejection"), (e: unknown) => e);
  assert.ok(err instanceof ZerobusException, String(err));
  return err;
}

describe("fetchTableSchema against a scripted catalog", () => {
  test("GETs the table with the given token and keeps the documented column fields", TIMEOUT, async () => {
    const table = { full_name: "main.default.t", columns: [{ name: "a", type_text: "int", type_name: "INT", type_json: "{}", nullable: false, position: 0 }, { name: "b", type_text: "string" }] };
    await withCatalog(() => ({ status: 200, body: JSON.stringify(table) }), async (url, seen) => {
      const columns = await fetchTableSchema({ workspaceUrl: `${url}/`, tableName: "main.default.t", token: "tok" });
      assert.deepEqual(columns, [{ name: "a", type_text: "int", type_name: "INT", nullable: false, position: 0 }, { name: "b", type_text: "string" }]);
      assert.equal(seen[0]!.method, "GET");
      assert.equal(seen[0]!.url, "/api/2.1/unity-catalog/tables/main.default.t");
      assert.equal(seen[0]!.headers.authorization, "Bearer tok");
    });
  });

  test("an unknown table is non-retriable and named; a server error is retriable; a body without columns is refused", TIMEOUT, async () => {
    const notFound = { error_code: "TABLE_DOES_NOT_EXIST", message: "Table 'main.default.t' does not exist." };
    await withCatalog(() => ({ status: 404, body: JSON.stringify(notFound) }), async (url) => {
      const err = await rejection(fetchTableSchema({ workspaceUrl: url, tableName: "main.default.t", token: "tok" }));
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, /^Cannot read the schema of table 'main\.default\.t': HTTP 404 TABLE_DOES_NOT_EXIST: Table/);
    });
    await withCatalog(() => ({ status: 503, body: "busy" }), async (url) => {
      const err = await rejection(fetchTableSchema({ workspaceUrl: url, tableName: "main.default.t", token: "tok" }));
      assert.equal(err.retriable, true);
      assert.match(err.message, /server error \(503\): busy/);
    });
    await withCatalog(() => ({ status: 200, body: "{}" }), async (url) => {
      const err = await rejection(fetchTableSchema({ workspaceUrl: url, tableName: "main.default.t", token: "tok" }));
      assert.match(err.message, /no column list/);
    });
  });

  test("bad options are refused before any request", TIMEOUT, async () => {
    await withCatalog(() => ({ status: 200, body: "{}" }), async (url, seen) => {
      const cases: Array<[object, RegExp]> = [
        [{ workspaceUrl: url, tableName: "main.default.t" }, /pass a token, or a clientId and clientSecret/],
        [{ workspaceUrl: url, tableName: "main.default.t", clientId: "id" }, /pass a token, or a clientId and clientSecret/],
        [{ workspaceUrl: url, tableName: "default.t", token: "tok" }, /three dot-separated parts/],
        [{ workspaceUrl: "ftp://x", tableName: "main.default.t", token: "tok" }, /must use https:\/\/ or http:\/\//],
      ];
      for (const [options, message] of cases) {
        const err = await rejection(fetchTableSchema(options as Parameters<typeof fetchTableSchema>[0]));
        assert.ok(err instanceof NonRetriableException && message.test(err.message), err.message);
      }
      assert.equal(seen.length, 0);
    });
  });
});

describe("a table's schema at run time → descriptor → plain objects in PROTO mode (local service)", () => {
  const TABLE = "main.default.readings";
  const COLUMNS =
    "device_name STRING NOT NULL, temp INT, humidity BIGINT, ratio DOUBLE, ok BOOLEAN, day DATE, at TIMESTAMP, " +
    "price DECIMAL(10,2), raw BINARY, tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, location STRUCT<lat: DOUBLE, lon: DOUBLE>";

  test("no generated code: fetchTableSchema + tableSchemaToDescriptor + TableProperties", TIMEOUT, async () => {
    const local = await loadLocalModule();
    const dataDir = await mkdtemp(join(tmpdir(), "zerobus-schema-"));
    const service = await local.startLocalService({ port: 0, dataDir, commit: { maxDelayMs: 2 } });
    const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    try {
      await service.createTable(TABLE, COLUMNS);
      const credentials = { workspaceUrl: service.workspaceUrl, tableName: TABLE, clientId: service.clientId };
      const columns = await fetchTableSchema({ ...credentials, clientSecret: service.clientSecret });
      assert.deepEqual(columns.map((c) => c.name), ["device_name", "temp", "humidity", "ratio", "ok", "day", "at", "price", "raw", "tags", "attrs", "location"]);
      const refused = await rejection(fetchTableSchema({ ...credentials, clientSecret: "wrong" }));
      assert.ok(refused instanceof NonRetriableException && /401/.test(refused.message), refused.message);

      const descriptor = tableSchemaToDescriptor(columns, { messageName: "Reading" });
      const stream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties(TABLE, descriptor), { recordType: RecordType.PROTO });
      await stream.ingestRecordOffset({
        device_name: "d1", temp: 21, humidity: 9007199254740993n, ratio: 0.5, ok: true, day: 19_000, at: 1_700_000_000_000_001n,
        price: "12.34", raw: new Uint8Array([1, 2]), tags: ["a", "b"], attrs: { x: 7 }, location: { lat: 1.5, lon: -2.5 },
      });
      await stream.ingestRecordOffset({ device_name: "d2" });
      await stream.close();

      const { rows } = await local.readTable(join(dataDir, "main", "default", "readings"));
      assert.equal(rows.length, 2);
      const [full, sparse] = rows as [Record<string, unknown>, Record<string, unknown>];
      assert.equal(full["device_name"], "d1");
      assert.equal(full["temp"], 21);
      assert.equal(full["humidity"], 9007199254740993n);
      assert.equal(full["at"], 1_700_000_000_000_001n);
      assert.equal(full["price"], 1234n, "decimal text kept exact (unscaled value at scale 2)");
      assert.deepEqual([...(full["raw"] as Uint8Array)], [1, 2]);
      assert.deepEqual(full["tags"], ["a", "b"]);
      assert.deepEqual(full["location"], { lat: 1.5, lon: -2.5 });
      assert.equal(sparse["device_name"], "d2");
      assert.equal(sparse["temp"], null);
    } finally {
      sdk.close();
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
