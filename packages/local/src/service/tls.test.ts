import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { RawZerobusClient, within } from "./test-support/raw-zerobus-client.js";
import { startTestService } from "./test-support/service-fixture.js";

const cert = readFileSync(new URL("./test-support/tls-test-cert.pem", import.meta.url));
const key = readFileSync(new URL("./test-support/tls-test-key.pem", import.meta.url));

describe("TLS", () => {
  it("serves gRPC and HTTPS with the given certificate and key", async () => {
    const t = await startTestService({ tls: { cert, key } });
    const client = new RawZerobusClient(t.service.serverEndpoint, cert);
    try {
      assert.match(t.service.serverEndpoint, /^https:\/\/localhost:\d+$/);
      assert.match(t.service.workspaceUrl, /^https:\/\//);
      const health = await new Promise<string>((resolve, reject) => {
        request(`${t.service.workspaceUrl}/health`, { ca: cert }, (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve(body));
        }).on("error", reject).end();
      });
      assert.deepEqual(JSON.parse(health), { status: "ok" });

      await t.service.createTable("main.default.secure", "id BIGINT");
      const token = t.service.issueToken({ scopes: ["main.default.secure"] });
      const stream = client.open({ token, table: "main.default.secure" });
      stream.send({ create_stream: { table_name: "main.default.secure", record_type: 2 } });
      assert.ok((await within(5000, stream.next())).create_stream_response);
      stream.end();
      assert.equal((await within(5000, stream.status)).code, status.OK);
    } finally {
      client.close();
      await t.close();
    }
  });
});
