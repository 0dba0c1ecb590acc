/**
 * Token endpoint and Unity Catalog REST through plain HTTP, as the generator tools and a Databricks
 * notebook would call them: a client-credentials token, a table created with the real UC request body,
 * read back by GET, then the SDK (OAuth) streams into that table and the rows read back. Bad client
 * credentials get 401 from the endpoint and a NonRetriableException from the SDK.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { NonRetriableException, RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { makeTempDir, rejectionOf, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLES = "/api/2.1/unity-catalog/tables";

/** The body Databricks' `POST /api/2.1/unity-catalog/tables` takes (ColumnInfo with every usual field). */
const CREATE_BODY = {
  name: "Telemetry",
  catalog_name: "main",
  schema_name: "iot",
  table_type: "MANAGED",
  data_source_format: "DELTA",
  comment: "device readings",
  properties: { "delta.appendOnly": "true" },
  columns: [
    { name: "device", type_text: "string", type_name: "STRING", type_json: '{"name":"device","type":"string","nullable":false,"metadata":{}}', nullable: false, position: 0 },
    { name: "reading", type_text: "decimal(10,3)", type_name: "DECIMAL", type_precision: 10, type_scale: 3, nullable: true, position: 1 },
    { name: "at", type_text: "timestamp", type_name: "TIMESTAMP", nullable: true, position: 2, comment: "event time" },
    { name: "tags", type_text: "array<string>", type_name: "ARRAY", nullable: true, position: 3 },
  ],
};

describe("token endpoint and UC REST over HTTP, then a stream", () => {
  it("creates a table from the real UC body, reads it back, and streams into it", async () => {
    const temp = await makeTempDir();
    const service = await startService(temp.dir);
    const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    try {
      const basic = (secret: string) => `Basic ${Buffer.from(`${service.clientId}:${secret}`).toString("base64")}`;
      const tokenRequest = (secret: string) =>
        fetch(`${service.workspaceUrl}/oidc/v1/token`, {
          method: "POST",
          headers: { authorization: basic(secret), "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis" }).toString(),
        });
      assert.equal((await tokenRequest("wrong")).status, 401);
      const granted = await tokenRequest(service.clientSecret);
      assert.equal(granted.status, 200);
      const token = (await granted.json()) as { access_token: string; token_type: string; expires_in: number };
      assert.equal(token.token_type, "Bearer");
      assert.ok(token.access_token.length > 0 && token.expires_in > 0);

      const rest = (method: string, path: string, body?: unknown) =>
        fetch(`${service.workspaceUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const created = await rest("POST", TABLES, CREATE_BODY);
      assert.equal(created.status, 200, await created.clone().text());
      const table = (await (await rest("GET", `${TABLES}/main.iot.telemetry`)).json()) as { full_name: string; comment: string; columns: Array<Record<string, unknown>> };
      assert.equal(table.full_name, "main.iot.telemetry");
      assert.equal(table.comment, "device readings");
      assert.deepEqual(
        table.columns.map((c) => [c.name, c.type_text, c.nullable, c.position]),
        [["device", "string", false, 0], ["reading", "decimal(10,3)", true, 1], ["at", "timestamp", true, 2], ["tags", "array<string>", true, 3]],
      );

      // The SDK's own OAuth request (resource + authorization_details) against the same endpoint.
      const stream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties("main.iot.Telemetry"), { recordType: RecordType.JSON });
      for (let n = 0; n < 100; n++) {
        await stream.ingestRecordOffset({ device: `d${n % 4}`, reading: `${n}.125`, at: "2024-02-29T12:00:00.000001Z", tags: [`n${n}`] });
      }
      await within(10_000, stream.close(), "close");
      const { rows } = await readTable(tableDir(temp.dir, "main.iot.telemetry"));
      assert.equal(rows.length, 100);
      assert.deepEqual(rows.find((r) => (r.tags as string[])[0] === "n7"), { device: "d3", reading: 7125n, at: 1_709_208_000_000_001n, tags: ["n7"] });

      const refused = await rejectionOf(sdk.createStream(service.clientId, "wrong", new TableProperties("main.iot.telemetry"), { recordType: RecordType.JSON }), "createStream with a bad secret");
      assert.ok(refused instanceof NonRetriableException, refused.message);
      assert.match(refused.message, /401/);
    } finally {
      sdk.close();
      await service.close();
      await temp.remove();
    }
  });
});
