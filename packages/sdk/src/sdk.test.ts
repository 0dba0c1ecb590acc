import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, describe, it } from "node:test";
import { GrpcStatus, NON_RETRIABLE_GRPC_CODES, NonRetriableException, ZerobusException, grpcStatusName } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE, staticHeaders } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "./test-support/scripted-server.js";
import { startScriptedTokenEndpoint } from "./test-support/scripted-token-endpoint.js";

const JSON_OPTIONS = { ...FAST, recordType: RecordType.JSON };
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((c) => c())));

async function serve(script: (call: ScriptedCall, index: number) => void | Promise<void>) {
  const server = await startScriptedServer(script);
  closers.push(() => server.close());
  return server;
}

/** A token endpoint answering with `respond`, recording each request's form. */
async function tokenEndpoint(respond: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  const endpoint = await startScriptedTokenEndpoint(respond);
  closers.push(() => endpoint.close());
  return endpoint;
}

describe("gRPC status codes at stream creation", () => {
  const codes = Object.values(GrpcStatus).filter((c) => c !== GrpcStatus.OK);
  for (const code of codes) {
    const retriable = !NON_RETRIABLE_GRPC_CODES.has(code);
    it(`${grpcStatusName(code)} → ${retriable ? "ZerobusException (retriable)" : "NonRetriableException"}`, async () => {
      const server = await serve(async (call) => {
        await call.next();
        call.end(code, `scripted ${grpcStatusName(code)}`);
      });
      const sdk = new ZerobusSdk(server.endpoint, "");
      await assert.rejects(sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, recovery: false }, staticHeaders()), (err: unknown) => {
        assert.ok(err instanceof ZerobusException);
        assert.equal(err instanceof NonRetriableException, !retriable);
        assert.equal(err.retriable, retriable);
        assert.equal(err.grpcCode, code);
        assert.match(err.message, new RegExp(`scripted ${grpcStatusName(code)}`));
        return true;
      });
      sdk.close();
    });
  }

  it("retries a retriable failure at creation and succeeds on a later attempt", async () => {
    const server = await serve(async (call, index) => {
      if (index < 2) {
        await call.next();
        return call.end(GrpcStatus.UNAVAILABLE, "warming up");
      }
      await autoAck(call, "third-time");
    });
    const sdk = new ZerobusSdk(server.endpoint, "");
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders());
    assert.equal(stream.streamId, "third-time");
    await stream.close();
  });

  it("gives up after 1 + recoveryRetries attempts with the last error as cause", async () => {
    const server = await serve(async (call) => {
      await call.next();
      call.end(GrpcStatus.UNAVAILABLE, "down");
    });
    const sdk = new ZerobusSdk(server.endpoint, "");
    await assert.rejects(sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, recoveryRetries: 2 }, staticHeaders()), (err: unknown) => {
      assert.ok(err instanceof ZerobusException);
      assert.match(err.message, /gave up after 3 attempts/);
      assert.ok(err.cause instanceof ZerobusException);
      return true;
    });
    assert.equal(server.calls.length, 3);
  });

  it("does not retry a non-retriable failure", async () => {
    const server = await serve(async (call) => {
      await call.next();
      call.end(GrpcStatus.NOT_FOUND, "no such table");
    });
    const sdk = new ZerobusSdk(server.endpoint, "");
    await assert.rejects(sdk.createStream(new TableProperties(TABLE), "", "", JSON_OPTIONS, staticHeaders()), NonRetriableException);
    assert.equal(server.calls.length, 1);
  });

  it("times out a creation that gets no response", async () => {
    const server = await serve(async (call) => {
      await call.next(); // never answers
    });
    const sdk = new ZerobusSdk(server.endpoint, "");
    await assert.rejects(
      sdk.createStream(new TableProperties(TABLE), "", "", { ...JSON_OPTIONS, recovery: false, recoveryTimeoutMs: 100 }, staticHeaders()),
      /timed out after 100 ms/,
    );
  });
});

describe("OAuth path", () => {
  for (const tokenCacheEnabled of [true, false]) {
    it(`${tokenCacheEnabled ? "reuses the cached token on a reconnect" : "with tokenCacheEnabled: false, fetches a fresh token per connection attempt"}, sent as the bearer token`, async () => {
      const token = await tokenEndpoint((_req, res, n) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ access_token: `token-${n}`, token_type: "Bearer", expires_in: 3600 }));
      });
      const server = await serve(async (call, index) => {
        if (index > 0) return autoAck(call);
        await call.next();
        call.end(GrpcStatus.UNAVAILABLE, "retry me");
      });
      const sdk = new ZerobusSdk(server.endpoint, token.url, { tokenCacheEnabled });
      const stream = await sdk.createStream("client-id", "client-secret", new TableProperties(TABLE), JSON_OPTIONS);
      assert.equal(server.calls[0]!.metadata["authorization"], "Bearer token-1");
      assert.equal(server.calls[1]!.metadata["authorization"], tokenCacheEnabled ? "Bearer token-1" : "Bearer token-2");
      assert.equal(token.forms.length, tokenCacheEnabled ? 1 : 2);
      assert.equal(token.forms[0]!.get("grant_type"), "client_credentials");
      assert.equal(token.forms[0]!.get("resource"), "api://databricks/workspaces/127/zerobusDirectWriteApi");
      await stream.ingestRecord({ ok: true });
      await stream.close();
    });
  }

  for (const [status, body, expected] of [
    [401, '{"error":"invalid_client"}', NonRetriableException],
    [500, "oops", ZerobusException],
    [200, "not json", NonRetriableException],
  ] as const) {
    it(`token endpoint answering ${status} ${JSON.stringify(body)} → ${expected.name}`, async () => {
      const token = await tokenEndpoint((_req, res) => {
        res.statusCode = status;
        res.end(body);
      });
      const server = await serve((call) => autoAck(call));
      const sdk = new ZerobusSdk(server.endpoint, token.url);
      await assert.rejects(sdk.createStream("id", "very-secret-value", new TableProperties(TABLE), { ...JSON_OPTIONS, recovery: false }), (err: unknown) => {
        assert.ok(err instanceof expected);
        assert.equal(err instanceof NonRetriableException, expected === NonRetriableException);
        assert.doesNotMatch((err as Error).message, /very-secret-value/);
        return true;
      });
      assert.equal(server.calls.length, 0, "no gRPC call without a token");
    });
  }
});

describe("bad inputs at createStream", () => {
  const sdk = new ZerobusSdk("http://127.0.0.1:1", "http://127.0.0.1:1");
  const create = (tp: unknown, options: unknown = JSON_OPTIONS) => sdk.createStream(tp as TableProperties, "", "", options as never, staticHeaders());

  it("table name not three parts", async () => {
    for (const name of ["a.b", "a.b.c.d", "a..c", "", "justone"]) {
      await assert.rejects(async () => create(new TableProperties(name)), NonRetriableException, name);
      await assert.rejects(create({ tableName: name }), NonRetriableException, name);
    }
  });

  it("bad options name the option", async () => {
    await assert.rejects(create({ tableName: TABLE }, { maxInflightRecords: -1 }), /maxInflightRecords/);
    await assert.rejects(create({ tableName: TABLE }, { flushTimeoutMs: "soon" }), /flushTimeoutMs/);
    await assert.rejects(create({ tableName: TABLE }, { recovery: "yes" }), /recovery/);
    await assert.rejects(create({ tableName: TABLE }, { noSuchOption: 1 }), /Unknown stream option 'noSuchOption'/);
    await assert.rejects(create({ tableName: TABLE }, { recordType: 7 }), NonRetriableException);
  });

  it("PROTO without a descriptor", async () => {
    await assert.rejects(create({ tableName: TABLE }, { recordType: RecordType.PROTO }), /descriptor is required/);
  });

  it("missing credentials without a headers provider", async () => {
    await assert.rejects(sdk.createStream({ tableName: TABLE }, "", "", JSON_OPTIONS), /clientId and clientSecret/);
  });

  it("bad endpoints", () => {
    assert.throws(() => new ZerobusSdk("ftp://x", ""), NonRetriableException);
    assert.throws(() => new ZerobusSdk("", ""), NonRetriableException);
  });
});
