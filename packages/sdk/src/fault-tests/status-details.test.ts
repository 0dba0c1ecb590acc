/**
 * Server error details (`grpc-status-details-bin`, OFFICIAL-2X.md §6): a `google.rpc.ErrorInfo` reaches the
 * typed error as `errorInfo`, `causes` and `errorCode`; a schema refusal is never retried; a trailer that does
 * not decode is ignored and the plain status still surfaces.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus, NonRetriableException, ZerobusException } from "../errors.js";
import { StreamState } from "../stream-state.js";
import { within } from "../test-support/fixtures.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import { encodeErrorInfoStatus, STATUS_DETAILS_TRAILER } from "../wire/status-details.js";

const open = useScriptedStreams();

const schemaDetails = encodeErrorInfoStatus(GrpcStatus.INVALID_ARGUMENT, "schema", {
  reason: "SCHEMA_VALIDATION_FAILED",
  domain: "zerobus.databricks.com",
  metadata: { causes: "FIELD_NOT_IN_TABLE, TYPE_INCOMPATIBLE", error_code: "8001" },
});

describe("server error details", () => {
  it("a schema refusal carries causes and errorCode, and is not retried even under a retriable code", async () => {
    const { server, stream } = await open(async (call, index) => {
      await call.next();
      call.sendCreateResponse(`s${index}`);
      await call.next();
      // INTERNAL would be retried; the ErrorInfo reason makes it final.
      call.end(GrpcStatus.INTERNAL, "Schema validation failed. Error Code: 8001", { [STATUS_DETAILS_TRAILER]: schemaDetails });
    });
    const ack = await stream.ingestRecord({ id: 1 });
    const err = await within(ack.waitForAck().then(() => undefined, (e: unknown) => e), 5000, "refusal");
    assert.ok(err instanceof NonRetriableException, `got ${String(err)}`);
    assert.deepEqual(err.causes, ["FIELD_NOT_IN_TABLE", "TYPE_INCOMPATIBLE"]);
    assert.equal(err.errorCode, "8001");
    assert.equal(err.errorInfo?.reason, "SCHEMA_VALIDATION_FAILED");
    assert.equal(err.errorInfo?.domain, "zerobus.databricks.com");
    assert.equal(err.grpcCode, GrpcStatus.INTERNAL);
    assert.match(err.message, /SCHEMA_VALIDATION_FAILED: FIELD_NOT_IN_TABLE, TYPE_INCOMPATIBLE/);
    assert.equal(stream.getState(), StreamState.FAILED);
    assert.equal(server.calls.length, 1, "no reconnect");
  });

  it("a schema refusal at create_stream fails createStream with the details", async () => {
    await assert.rejects(
      open((call) => call.end(GrpcStatus.INVALID_ARGUMENT, "bad descriptor", { [STATUS_DETAILS_TRAILER]: schemaDetails })),
      (err: unknown) => err instanceof NonRetriableException && err.errorCode === "8001" && err.causes.length === 2,
    );
  });

  for (const [what, bytes] of [
    ["truncated", schemaDetails.subarray(0, schemaDetails.length - 5)],
    ["garbage", Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ["a Status without ErrorInfo", Buffer.from([0x08, 0x03, 0x12, 0x01, 0x78])],
  ] as const) {
    it(`a ${what} details trailer is ignored: the plain status surfaces`, async () => {
      const { stream } = await open(async (call) => {
        await call.next();
        call.sendCreateResponse();
        await call.next();
        call.end(GrpcStatus.INVALID_ARGUMENT, "plain refusal", { [STATUS_DETAILS_TRAILER]: Buffer.from(bytes) });
      });
      const ack = await stream.ingestRecord({ id: 1 });
      const err = await within(ack.waitForAck().then(() => undefined, (e: unknown) => e), 5000, "refusal");
      assert.ok(err instanceof ZerobusException && !err.retriable);
      assert.match(err.message, /INVALID_ARGUMENT: plain refusal/);
      assert.equal(err.errorInfo, undefined);
      assert.deepEqual(err.causes, []);
      assert.equal(err.errorCode, undefined);
    });
  }

  it("a huge server message is quoted by a bounded prefix with its length", async () => {
    const { stream } = await open(async (call) => {
      await call.next();
      call.sendCreateResponse();
      await call.next();
      call.end(GrpcStatus.INVALID_ARGUMENT, `bad value ${"9".repeat(6_000)}`);
    });
    const ack = await stream.ingestRecord({ id: 1 });
    const err = (await within(ack.waitForAck().then(() => undefined, (e: unknown) => e), 5000, "refusal")) as Error;
    assert.ok(err.message.length < 2_000, `${err.message.length} characters`);
    assert.match(err.message, /6010 characters in all/);
  });
});
