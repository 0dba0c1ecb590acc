import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { MAX_HTTP_BODY_BYTES } from "./http-io.js";
import { within } from "./test-support/raw-zerobus-client.js";
import { startTestService, type TestService } from "./test-support/service-fixture.js";

/** One request on `agent`; resolves with the status, headers and body, or rejects with the socket error. */
function send(url: string, agent: Agent, body: Buffer, chunked = false): Promise<{ status: number; connection: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
    });
    req.on("error", reject);
    if (!chunked) return void req.end(body);
    // Several writes: sent chunked, with no content-length for the server to check first.
    for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.subarray(at, at + 256 * 1024));
    req.end();
  });
}

describe("HTTP front", () => {
  let t: TestService;
  before(async () => {
    t = await startTestService();
  });
  after(() => t.close());

  it("closes the connection after a 413, so the next request on a keep-alive agent gets its answer", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = `${t.service.workspaceUrl}/oidc/v1/token`;
      for (const chunked of [false, true]) {
        // With a content-length over the limit, and chunked (counted as it arrives): both paths of the limit.
        const big = await within(5000, send(url, agent, Buffer.alloc(2 * MAX_HTTP_BODY_BYTES, 0x61), chunked), "the 413");
        assert.equal(big.status, 413);
        assert.equal(big.connection, "close");
        assert.match(big.text, /REQUEST_LIMIT_EXCEEDED/);
        const next = await within(5000, send(url, agent, Buffer.from("grant_type=client_credentials")), "the next request");
        assert.equal(next.status, 401); // no credentials: answered, not reset
      }
    } finally {
      agent.destroy();
    }
  });
});
