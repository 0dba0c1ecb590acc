/**
 * Federated authentication (RFC 8693 token exchange, OFFICIAL-2X.md §3) against a scripted token endpoint,
 * its bad inputs, and the one fresh-credentials retry after an auth refusal at setup (§2).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { GrpcStatus, NonRetriableException, ZerobusException } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "./test-support/scripted-server.js";
import { grantTokens, startScriptedTokenEndpoint } from "./test-support/scripted-token-endpoint.js";

const OPTIONS = { ...FAST, recordType: RecordType.JSON };
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A JWT-shaped token (the SDK reads its `exp`; the token endpoint verifies it). */
const jwt = (claims: object) => `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}.c2lnbmF0dXJlLXNlY3JldC1wYXJ0`;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

async function setup(respond = grantTokens(), script: (call: ScriptedCall, index: number) => void | Promise<void> = (call) => autoAck(call)) {
  const tokens = await startScriptedTokenEndpoint(respond);
  const server = await startScriptedServer(script);
  const logs: string[] = [];
  const logger = { debug: (...a: unknown[]) => logs.push(JSON.stringify(a)), info: (...a: unknown[]) => logs.push(JSON.stringify(a)), warn: (...a: unknown[]) => logs.push(JSON.stringify(a)), error: (...a: unknown[]) => logs.push(JSON.stringify(a)) };
  const sdk = new ZerobusSdk(server.endpoint, tokens.url, { logger });
  closers.push(() => tokens.close(), () => server.close(), async () => sdk.close());
  return { tokens, server, sdk, logs, logger };
}

describe("createStreamFederated", () => {
  it("exchanges the supplier's JWT for a table-scoped token (no client secret) and streams with it", async () => {
    const { tokens, server, sdk } = await setup();
    const subject = jwt({ iss: "https://ci.example", sub: "repo:x", aud: "databricks", exp: inAnHour() });
    const stream = await sdk.createStreamFederated(new TableProperties(TABLE), async () => subject, "sp-app-id", OPTIONS);
    const form = tokens.forms[0]!;
    assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:token-exchange");
    assert.equal(form.get("subject_token"), subject);
    assert.equal(form.get("subject_token_type"), "urn:ietf:params:oauth:token-type:jwt");
    assert.equal(form.get("scope"), "all-apis");
    assert.equal(form.get("client_id"), "sp-app-id");
    assert.equal(form.get("resource"), "api://databricks/workspaces/127/zerobusDirectWriteApi");
    assert.match(form.get("authorization_details") ?? "", /main\.default\.events/);
    assert.equal(server.calls[0]!.metadata["authorization"], "Bearer token-1");
    await (await stream.ingestRecord({ n: 1 })).waitForAck();
    await stream.close();
  });

  it("calls the supplier again for every refresh; the cached token never outlives the subject's exp", async () => {
    const { tokens, sdk } = await setup();
    let calls = 0;
    // exp 2 s away: the cache may keep the token at most 1 s (half its life), although expires_in says an hour.
    const supplier = () => (calls++, jwt({ exp: Math.floor(Date.now() / 1000) + 2 }));
    const first = await sdk.createStreamFederated(new TableProperties(TABLE), supplier, undefined, OPTIONS);
    const second = await sdk.createStreamFederated(new TableProperties(TABLE), supplier, undefined, OPTIONS);
    assert.deepEqual([calls, tokens.forms.length], [1, 1], "one exchange for two streams");
    assert.equal(tokens.forms[0]!.get("client_id"), null);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the token's age, not an event
    const third = await sdk.createStreamFederated(new TableProperties(TABLE), supplier, undefined, OPTIONS);
    assert.deepEqual([calls, tokens.forms.length], [2, 2]);
    await Promise.all([first, second, third].map((s) => s.close()));
  });

  for (const [what, supplier, check] of [
    ["throws", () => { throw new Error("token file missing"); }, (e: unknown) => e instanceof ZerobusException && e.retriable && /Subject token supplier failed: token file missing/.test((e as Error).message)],
    ["returns a non-string", () => 42 as unknown as string, (e: unknown) => e instanceof NonRetriableException && /must return a JWT string, got number/.test((e as Error).message)],
    ["returns something that is not a JWT", () => "not-a-jwt", (e: unknown) => e instanceof NonRetriableException && /not a JWT/.test((e as Error).message)],
    ["returns an expired JWT", () => jwt({ exp: Math.floor(Date.now() / 1000) - 120 }), (e: unknown) => e instanceof NonRetriableException && /Subject token expired at .* \(12\d s ago\)/.test((e as Error).message)],
  ] as const) {
    it(`a supplier that ${what} fails createStreamFederated with a typed error naming why`, async () => {
      const { tokens, server, sdk } = await setup();
      await assert.rejects(sdk.createStreamFederated(new TableProperties(TABLE), supplier, undefined, { ...OPTIONS, recovery: false }), check);
      assert.deepEqual([tokens.forms.length, server.calls.length], [0, 0], "nothing was sent");
    });
  }

  it("a token endpoint refusing the exchange (400): the reason reaches the caller, the subject token appears in no error or log", async () => {
    const subject = jwt({ iss: "https://untrusted.example", exp: inAnHour() });
    const { sdk, logs, logger } = await setup((_req, res) => {
      res.statusCode = 400;
      res.setHeader("content-type", "application/json");
      // A careless endpoint echoing the token back must not leak it either.
      res.end(JSON.stringify({ error: "invalid_grant", error_description: `untrusted issuer 'https://untrusted.example' for ${subject}` }));
    });
    const err = await sdk.createStreamFederated(new TableProperties(TABLE), () => subject, undefined, { ...OPTIONS, logger }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NonRetriableException, String(err));
    assert.match(err.message, /400.*untrusted issuer 'https:\/\/untrusted\.example'/);
    const signature = subject.split(".")[2]!;
    for (const text of [err.message, String(err.stack), ...logs]) assert.ok(!text.includes(subject) && !text.includes(signature), text);
    assert.ok(logs.length > 0, "the failure was logged");
  });
});

describe("an auth refusal at stream setup", () => {
  it("UNAUTHENTICATED drops the cached token and retries setup once with a fresh one", async () => {
    const { tokens, server, sdk } = await setup(grantTokens(), async (call, index) => {
      if (index === 0) return call.end(GrpcStatus.UNAUTHENTICATED, "token revoked");
      return autoAck(call);
    });
    const stream = await sdk.createStream("id", "secret", new TableProperties(TABLE), { ...OPTIONS, recovery: false });
    assert.deepEqual(server.calls.map((c) => c.metadata["authorization"]), ["Bearer token-1", "Bearer token-2"]);
    assert.equal(tokens.forms.length, 2);
    await stream.close();
  });

  it("a second PERMISSION_DENIED is final: one retry only", async () => {
    const { tokens, server, sdk } = await setup(grantTokens(), (call) => call.end(GrpcStatus.PERMISSION_DENIED, "no MODIFY"));
    await assert.rejects(
      sdk.createStream("id", "secret", new TableProperties(TABLE), OPTIONS),
      (e: unknown) => e instanceof NonRetriableException && e.grpcCode === GrpcStatus.PERMISSION_DENIED,
    );
    assert.deepEqual([server.calls.length, tokens.forms.length], [2, 2]);
  });
});
