import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import type { OAuthTokenRequest } from "./oauth-token.js";
import { fetchOAuthToken, fetchWorkspaceToken } from "./oauth-token.js";

const SECRET = "s3cr3t-Value-never-shown";
const TIMEOUT = { timeout: 10_000 };

interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Reply {
  status: number;
  body: string;
}

interface TokenEndpoint {
  url: string;
  requests: RecordedRequest[];
}

/** Runs `body` against a real token endpoint on 127.0.0.1 that answers every request with `reply`. */
async function withTokenEndpoint(reply: (request: RecordedRequest) => Reply, body: (endpoint: TokenEndpoint) => Promise<void>) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const { status, body: text } = reply(recorded);
      res.writeHead(status, { "content-type": "application/json" }).end(text);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    await body({ url: `http://127.0.0.1:${port}`, requests });
  } finally {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  }
}

function request(workspaceUrl: string, overrides: Partial<OAuthTokenRequest> = {}): OAuthTokenRequest {
  return { workspaceUrl, clientId: "client-id-1", clientSecret: SECRET, tableName: "main.sales.orders", workspaceId: "1234", ...overrides };
}

const ok = (): Reply => ({ status: 200, body: JSON.stringify({ access_token: "tok-1", token_type: "Bearer", expires_in: 3600 }) });

/** Asserts the rejection's class and that it never leaks the secret or the Basic credentials. */
async function assertRejects(promise: Promise<unknown>, retriable: boolean, message: RegExp): Promise<ZerobusException> {
  const basic = Buffer.from(`client-id-1:${SECRET}`).toString("base64");
  let caught: unknown;
  await promise.then(() => assert.fail("expected a rejection"), (err: unknown) => (caught = err));
  assert.ok(caught instanceof ZerobusException, `not a ZerobusException: ${String(caught)}`);
  assert.equal(caught instanceof NonRetriableException, !retriable);
  assert.equal(caught.retriable, retriable);
  assert.match(caught.message, message);
  assert.ok(!caught.message.includes(SECRET), `secret in message: ${caught.message}`);
  assert.ok(!caught.message.includes(basic), `credentials in message: ${caught.message}`);
  return caught;
}

test("sends the client-credentials request field by field", TIMEOUT, async () => {
  await withTokenEndpoint(ok, async ({ url, requests }) => {
    assert.equal(await fetchOAuthToken(request(url)), "tok-1");
    assert.equal(requests.length, 1);
    const [sent] = requests;
    assert.ok(sent);
    assert.equal(sent.method, "POST");
    assert.equal(sent.url, "/oidc/v1/token");
    const auth = String(sent.headers["authorization"]);
    assert.match(auth, /^Basic /);
    assert.equal(Buffer.from(auth.slice("Basic ".length), "base64").toString("utf8"), `client-id-1:${SECRET}`);
    assert.equal(sent.headers["content-type"], "application/x-www-form-urlencoded");

    const form = new URLSearchParams(sent.body);
    assert.deepEqual([...form.keys()].sort(), ["authorization_details", "grant_type", "resource", "scope"]);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("scope"), "all-apis");
    assert.equal(form.get("resource"), "api://databricks/workspaces/1234/zerobusDirectWriteApi");
    const operations = ["zerobuswrite"];
    assert.deepEqual(JSON.parse(form.get("authorization_details") ?? "null"), [
      { type: "unity_catalog_privileges", privileges: ["USE CATALOG"], object_type: "CATALOG", object_full_path: "main", operations },
      { type: "unity_catalog_privileges", privileges: ["USE SCHEMA"], object_type: "SCHEMA", object_full_path: "main.sales", operations },
      {
        type: "unity_catalog_privileges",
        privileges: ["SELECT", "MODIFY"],
        object_type: "TABLE",
        object_full_path: "main.sales.orders",
        operations,
      },
    ]);
  });
});

test("drops one trailing slash of the workspace URL and keeps its path", TIMEOUT, async () => {
  await withTokenEndpoint(ok, async ({ url, requests }) => {
    await fetchOAuthToken(request(`${url}/`));
    await fetchOAuthToken(request(`${url}/prefix/`));
    assert.deepEqual(requests.map((r) => r.url), ["/oidc/v1/token", "/prefix/oidc/v1/token"]);
  });
});

test("token endpoint 401 is non-retriable with status and body, secret scrubbed", TIMEOUT, async () => {
  const reply = (): Reply => ({ status: 401, body: `{"error":"invalid_client","echo":"${SECRET}"}` });
  await withTokenEndpoint(reply, async ({ url }) => {
    const err = await assertRejects(fetchOAuthToken(request(url)), false, /Client error \(401\).*invalid_client/);
    assert.match(err.message, /\[REDACTED\]/);
  });
});

test("token endpoint 400 with a huge body truncates it", TIMEOUT, async () => {
  await withTokenEndpoint(() => ({ status: 400, body: "x".repeat(100_000) }), async ({ url }) => {
    const err = await assertRejects(fetchOAuthToken(request(url)), false, /Client error \(400\)/);
    assert.ok(err.message.length < 1_000, `message of ${err.message.length} characters`);
  });
});

test("token endpoint 500 is retriable", TIMEOUT, async () => {
  await withTokenEndpoint(() => ({ status: 503, body: "down for maintenance" }), async ({ url }) => {
    await assertRejects(fetchOAuthToken(request(url)), true, /^Token fetch failed: .*\(503\): down for maintenance/);
  });
});

test("a body that is not JSON is non-retriable", TIMEOUT, async () => {
  await withTokenEndpoint(() => ({ status: 200, body: "<html>sign in</html>" }), async ({ url }) => {
    await assertRejects(fetchOAuthToken(request(url)), false, /Parse failed/);
  });
});

test("a missing or non-string access_token is non-retriable", TIMEOUT, async () => {
  for (const body of ['{"token_type":"Bearer"}', '{"access_token":42}', '{"access_token":""}', "null", "[]"]) {
    await withTokenEndpoint(() => ({ status: 200, body }), async ({ url }) => {
      await assertRejects(fetchOAuthToken(request(url)), false, /access_token missing/);
    });
  }
});

test("a bad table name is non-retriable and sends nothing", TIMEOUT, async () => {
  await withTokenEndpoint(ok, async ({ url, requests }) => {
    await assertRejects(fetchOAuthToken(request(url, { tableName: "sales.orders" })), false, /exactly 3 parts/);
    await assertRejects(fetchOAuthToken(request(url, { tableName: "main..orders" })), false, /Schema name cannot be empty/);
    assert.equal(requests.length, 0);
  });
});

test("a workspace URL that is not http(s) is non-retriable", TIMEOUT, async () => {
  await assertRejects(fetchOAuthToken(request("not a url")), false, /invalid format/);
  await assertRejects(fetchOAuthToken(request("ftp://example.com")), false, /https:\/\/ or http:\/\//);
});

test("connection refused is retriable", TIMEOUT, async () => {
  let closedUrl = "";
  await withTokenEndpoint(ok, async ({ url }) => {
    closedUrl = url;
  });
  await assertRejects(fetchOAuthToken(request(closedUrl)), true, /^Token fetch failed: Network error: .*ECONNREFUSED/);
});

test("an aborted signal rejects promptly and retriably", TIMEOUT, async () => {
  await assertRejects(fetchOAuthToken(request("http://127.0.0.1:9", { signal: AbortSignal.abort() })), true, /aborted/);

  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer(() => arrived()); // never answers
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const controller = new AbortController();
    const { port } = server.address() as AddressInfo;
    const pending = fetchOAuthToken(request(`http://127.0.0.1:${port}`, { signal: controller.signal }));
    await requestArrived;
    controller.abort();
    await assertRejects(pending, true, /^Token fetch failed: request aborted/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("a workspace token is the generators' plain request: grant_type and scope only", TIMEOUT, async () => {
  await withTokenEndpoint(ok, async ({ url, requests }) => {
    assert.equal(await fetchWorkspaceToken({ workspaceUrl: `${url}/`, clientId: "client-id-1", clientSecret: SECRET }), "tok-1");
    const [sent] = requests;
    assert.ok(sent);
    assert.equal(sent.url, "/oidc/v1/token");
    assert.equal(Buffer.from(String(sent.headers["authorization"]).slice("Basic ".length), "base64").toString("utf8"), `client-id-1:${SECRET}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.body)), { grant_type: "client_credentials", scope: "all-apis" });
  });
  await withTokenEndpoint(() => ({ status: 401, body: "{}" }), async ({ url }) => {
    await assertRejects(fetchWorkspaceToken({ workspaceUrl: url, clientId: "client-id-1", clientSecret: SECRET }), false, /Client error \(401\)/);
  });
});

test("rootCertificates: an https token endpoint with a self-signed certificate is trusted only when given", TIMEOUT, async () => {
  // The local package's test certificate (for 127.0.0.1 and localhost), read in place.
  const certs = new URL("../../../local/src/service/test-support/", import.meta.url);
  const cert = readFileSync(new URL("tls-test-cert.pem", certs));
  const server = createHttpsServer({ cert, key: readFileSync(new URL("tls-test-key.pem", certs)) }, (req, res) => {
    req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(ok().body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await assertRejects(fetchOAuthToken(request(url)), true, /^Token fetch failed: Network error: .*self-signed certificate/);
    assert.equal(await fetchOAuthToken(request(url, { rootCertificates: cert })), "tok-1");
    assert.equal(await fetchWorkspaceToken({ workspaceUrl: url, clientId: "c", clientSecret: "s", rootCertificates: cert.toString("utf8") }), "tok-1");
    await assertRejects(fetchOAuthToken(request(url, { rootCertificates: 42 as unknown as string })), false, /rootCertificates must be a Buffer or a string/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
