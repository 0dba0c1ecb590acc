import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { inspect } from "node:util";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { collectStreamHeaders } from "./headers-provider.js";
import { OAuthHeadersProvider } from "./oauth-headers-provider.js";

const SECRET = "provider-secret-do-not-log";
const TABLE = "main.sales.orders";
const TIMEOUT = { timeout: 10_000 };

interface Issued {
  authorization: string;
  form: URLSearchParams;
}

/**
 * Runs `body` against a real token endpoint that hands out `token-1`, `token-2`, … and records who asked;
 * `status` lets a test make it refuse.
 */
async function withCountingEndpoint(body: (url: string, issued: Issued[]) => Promise<void>, status = 200): Promise<void> {
  const issued: Issued[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      issued.push({ authorization: req.headers.authorization ?? "", form: new URLSearchParams(text) });
      const reply = status === 200 ? { access_token: `token-${issued.length}` } : { error: "invalid_client" };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(reply));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, issued);
  } finally {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  }
}

function basic(clientId: string): string {
  return `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString("base64")}`;
}

test("fetches a fresh token on every getHeaders call", TIMEOUT, async () => {
  await withCountingEndpoint(async (url, issued) => {
    const provider = new OAuthHeadersProvider({ clientId: "cid", clientSecret: SECRET, tableName: TABLE, workspaceUrl: url, workspaceId: "77" });
    assert.deepEqual(await provider.getHeaders(), [
      ["authorization", "Bearer token-1"],
      ["x-databricks-zerobus-table-name", TABLE],
    ]);
    assert.deepEqual((await provider.getHeaders())[0], ["authorization", "Bearer token-2"]);
    assert.equal(issued.length, 2);
    assert.equal(issued[0]?.authorization, basic("cid"));
    assert.equal(issued[0]?.form.get("resource"), "api://databricks/workspaces/77/zerobusDirectWriteApi");
  });
});

test("accepts the Python SDK's positional order", TIMEOUT, async () => {
  await withCountingEndpoint(async (url, issued) => {
    const provider = new OAuthHeadersProvider("88", url, TABLE, "py-client", SECRET);
    assert.equal(provider.tableName, TABLE);
    await provider.getHeaders();
    assert.equal(issued[0]?.authorization, basic("py-client"));
    assert.equal(issued[0]?.form.get("resource"), "api://databricks/workspaces/88/zerobusDirectWriteApi");
    const details = JSON.parse(issued[0]?.form.get("authorization_details") ?? "[]") as Array<{ object_full_path: string }>;
    assert.equal(details[2]?.object_full_path, TABLE);
  });
});

test("the official TypeScript order has no workspace id, so getHeaders rejects without a request", TIMEOUT, async () => {
  await withCountingEndpoint(async (url, issued) => {
    const provider = new OAuthHeadersProvider("ts-client", SECRET, TABLE, url);
    assert.equal(provider.tableName, TABLE);
    await assert.rejects(provider.getHeaders(), (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, /without a workspace id.*options object/);
      return true;
    });
    assert.equal(issued.length, 0);
  });
});

test("rejects other argument shapes, naming the bad field but not the secret", () => {
  const attempts: Array<[() => unknown, RegExp]> = [
    [() => new (OAuthHeadersProvider as unknown as new (...a: unknown[]) => unknown)(), /got 0 argument/],
    [() => new (OAuthHeadersProvider as unknown as new (...a: unknown[]) => unknown)("a", "b"), /got 2 argument/],
    [
      () => new OAuthHeadersProvider({ clientId: "c", clientSecret: SECRET, tableName: TABLE, workspaceUrl: "u" } as never),
      /workspaceId must be a string, got undefined/,
    ],
    [() => new OAuthHeadersProvider("1", "u", TABLE, "c", 5 as never), /clientSecret must be a string, got number/],
  ];
  for (const [attempt, message] of attempts) {
    assert.throws(attempt, (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, message);
      assert.ok(!err.message.includes(SECRET));
      return true;
    });
  }
});

test("rejected credentials surface as non-retriable", TIMEOUT, async () => {
  await withCountingEndpoint(async (url) => {
    const provider = new OAuthHeadersProvider({ clientId: "cid", clientSecret: SECRET, tableName: TABLE, workspaceUrl: url, workspaceId: "1" });
    await assert.rejects(provider.getHeaders(), (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, /Client error \(401\)/);
      assert.ok(!err.message.includes(SECRET));
      return true;
    });
  }, 401);
});

test("a token endpoint outage stays retriable through collectStreamHeaders", TIMEOUT, async () => {
  await withCountingEndpoint(async (url) => {
    const provider = new OAuthHeadersProvider({ clientId: "cid", clientSecret: SECRET, tableName: TABLE, workspaceUrl: url, workspaceId: "1" });
    await assert.rejects(collectStreamHeaders(provider, TABLE, "zerobus-ts/test"), (err: unknown) => {
      assert.ok(err instanceof ZerobusException);
      assert.equal(err.retriable, true);
      assert.match(err.message, /^Token fetch failed: .*\(502\)/);
      return true;
    });
  }, 502);
});

test("works as a stream's headers provider and honours an aborted signal", TIMEOUT, async () => {
  await withCountingEndpoint(async (url, issued) => {
    const provider = new OAuthHeadersProvider({ clientId: "cid", clientSecret: SECRET, tableName: TABLE, workspaceUrl: url, workspaceId: "1" });
    assert.deepEqual(await collectStreamHeaders(provider, TABLE, "zerobus-ts/test"), [
      ["authorization", "Bearer token-1"],
      ["x-databricks-zerobus-table-name", TABLE],
      ["x-zerobus-sdk", "zerobus-ts/test"],
    ]);
    await assert.rejects(provider.getHeaders({ signal: AbortSignal.abort() }), (err: unknown) => {
      return err instanceof ZerobusException && err.retriable && /aborted/.test(err.message);
    });
    assert.equal(issued.length, 1);
  });
});

test("does not show the secret when inspected", () => {
  const provider = new OAuthHeadersProvider({ clientId: "cid", clientSecret: SECRET, tableName: TABLE, workspaceUrl: "http://x", workspaceId: "1" });
  assert.ok(!inspect(provider, { depth: 5 }).includes(SECRET));
  assert.ok(!JSON.stringify(provider).includes(SECRET));
});
