/**
 * A server that answers `create_stream` and then fails every call (issue 13): each handshake must not
 * refill the retry budget or reset the backoff, or one stream opens thousands of connections a second.
 * A connection that never got an ack through counts as a failed attempt.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus, ZerobusException } from "../errors.js";
import { StreamState } from "../stream-state.js";
import { until, within } from "../test-support/fixtures.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import { autoAck, type ScriptedCall } from "../test-support/scripted-server.js";

const autoAckCall = (call: ScriptedCall, index: number) => autoAck(call, `s${index}`);

const open = useScriptedStreams();

const acceptThenFail = async (call: ScriptedCall, index: number): Promise<void> => {
  await call.next();
  call.sendCreateResponse(`s${index}`);
  call.end(GrpcStatus.UNAVAILABLE, `failing call ${index}`);
};

describe("a server that accepts create_stream and then fails every call", () => {
  it("with the default backoff and retries, a stream opens at most 4 connections (observed for 3 s)", async () => {
    // No records: the storm needs none, and the stream then closes at once when the test ends.
    const { server } = await open(acceptThenFail, { recoveryBackoffMs: 2_000, recoveryRetries: 3, recoveryTimeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // an observation window, not a wait for luck
    assert.ok(server.calls.length <= 4, `${server.calls.length} connections in 3 s`);
  });

  it("fails with the last error once its retries are spent, having used exactly 1 + recoveryRetries connections", async () => {
    const { server, stream } = await open(acceptThenFail, { recoveryBackoffMs: 20, recoveryRetries: 3 });
    const ack = await stream.ingestRecord({ id: 1 });
    const err = await within(ack.waitForAck().then(() => undefined, (e: unknown) => e), 5_000, "failure");
    assert.ok(err instanceof ZerobusException, String(err));
    assert.match(err.message, /failing call 3 \(gave up after 4 attempts\)/);
    assert.equal(err.grpcCode, GrpcStatus.UNAVAILABLE);
    await until(() => stream.getState() === StreamState.FAILED, 1_000, "failed state");
    assert.equal(server.calls.length, 4);
    assert.deepEqual(stream.getUnackedRecords().length, 1, "the record is kept for the caller");
  });

  it("a connection that stayed up for recoveryTimeoutMs proved itself: an idle stream rotated later is not failing", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        if (index > 0) return autoAckCall(call, index);
        await call.next();
        call.sendCreateResponse("s0");
        await new Promise((resolve) => setTimeout(resolve, 400)); // longer than recoveryTimeoutMs, no records
        call.end(GrpcStatus.UNAVAILABLE, "rotated after a long idle life");
      },
      // One attempt only: had the idle connection counted as a failure, the stream would fail here.
      { recoveryRetries: 0, recoveryTimeoutMs: 300 },
    );
    await within(server.call(1), 5_000, "reconnect");
    const ack = await stream.ingestRecord({ id: 1 });
    await within(ack.waitForAck(), 5_000, "ack on the new connection");
    assert.notEqual(stream.getState(), StreamState.FAILED);
  });

  it("an ack refills the budget: a stream that makes progress between failures keeps going", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        await call.next();
        call.sendCreateResponse(`s${index}`);
        const request = await call.next();
        if (request && index < 6) {
          call.ack(0);
          call.end(GrpcStatus.UNAVAILABLE, "after one ack");
          return;
        }
        while ((await call.next()) !== null) call.ack(0);
        call.finish();
      },
      { recoveryBackoffMs: 10, recoveryRetries: 1, maxRecordsPerRequest: 1 },
    );
    for (let i = 0; i < 6; i++) await within((await stream.ingestRecord({ id: i })).waitForAck(), 5_000, `ack ${i}`);
    assert.ok(server.calls.length >= 6, `${server.calls.length} connections`);
    assert.notEqual(stream.getState(), StreamState.FAILED);
  });
});
