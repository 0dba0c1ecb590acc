import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus, NonRetriableException, ZerobusException } from "./errors.js";
import { StreamState } from "./stream-state.js";
import { until, within } from "./test-support/fixtures.js";
import { autoAck } from "./test-support/scripted-server.js";
import { useScriptedStreams } from "./test-support/scripted-stream.js";

// Options given to open() are laid over FAULT_OPTIONS (JSON records, fast timeouts).
const open = useScriptedStreams();


describe("recovery after a retriable failure", () => {
  it("reconnects, replays every unacknowledged request in order, and keeps logical offsets", async () => {
    const seen = { log: [] as Array<{ call: number; offset: bigint; records: string[] }> };
    const { stream } = await open(async (call, index) => {
      await call.next();
      call.sendCreateResponse(`s${index}`);
      for (;;) {
        const req = await call.nextIngest();
        if (!req) return call.finish();
        seen.log.push({ call: index, offset: req.offset, records: req.records.map(String) });
        // First connection: ack offset 0 only, then fail after the 3rd request.
        if (index === 0 && req.offset === 0n) call.ack(0);
        if (index === 0 && req.offset === 2n) return call.end(GrpcStatus.UNAVAILABLE, "server restarting");
        if (index > 0) call.ack(req.offset);
      }
    });
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await stream.ingestRecord({ i }));
    const batch = await stream.ingestRecords([{ i: 3 }, { i: 4 }]);
    await within(stream.flush(), 5000, "flush across recovery");
    assert.deepEqual(await Promise.all(acks.map((a) => a.waitForAck())), [0n, 1n, 2n]);
    assert.equal(await batch!.waitForAck(), 3n);
    const second = seen.log.filter((l) => l.call === 1);
    assert.deepEqual(second.map((l) => l.offset), [0n, 1n, 2n], "physical offsets restart at 0");
    assert.deepEqual(second.map((l) => l.records), [['{"i":1}'], ['{"i":2}'], ['{"i":3}', '{"i":4}']], "replay in order, batches stay batches");
    assert.equal(stream.streamId, "s1");
    await stream.close();
  });

  it("treats the server ending the call with OK while records are in flight as retriable", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      await call.nextIngest();
      call.finish();
    });
    const ack = await stream.ingestRecord({ a: 1 });
    assert.equal(await within(ack.waitForAck(), 5000, "ack after reconnect"), 0n);
    assert.equal(server.calls.length, 2);
    await stream.close();
  });

  it("reconnects when no ack arrives within serverLackOfAckTimeoutMs; a repeated ack does not reset the timer", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        if (index > 0) return autoAck(call);
        await call.next();
        call.sendCreateResponse();
        await call.nextIngest();
        call.ack(0);
        await call.nextIngest();
        // Keep repeating the stale ack: progress never moves past offset 0.
        const timer = setInterval(() => call.ack(0), 20);
        await call.done;
        clearInterval(timer);
      },
      { serverLackOfAckTimeoutMs: 200 },
    );
    await stream.ingestRecord({ a: 0 });
    const second = await stream.ingestRecord({ a: 1 });
    assert.equal(await within(second.waitForAck(), 5000, "ack after lack-of-ack reconnect"), 1n);
    assert.equal(server.calls.length, 2);
    await stream.close();
  });

  it("an idle stream never times out", async () => {
    const { server, stream } = await open((call) => autoAck(call), { serverLackOfAckTimeoutMs: 30 });
    await stream.ingestRecord({ a: 1 }).then((a) => a.waitForAck());
    const idle = new Promise((resolve) => setTimeout(resolve, 150));
    await idle;
    assert.equal(server.calls.length, 1);
    assert.equal(stream.getState(), StreamState.OPENED);
    await stream.close();
  });

  it("treats an ack beyond what was sent as a protocol error and recovers", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      await call.nextIngest();
      call.ack(5);
      await call.done;
    });
    const ack = await stream.ingestRecord({ a: 1 });
    assert.equal(await within(ack.waitForAck(), 5000, "ack"), 0n);
    assert.equal(server.calls.length, 2);
    await stream.close();
  });
});

describe("CloseStreamSignal", () => {
  it("stops sending, keeps taking acks, then moves to a new connection and sends the rest", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      await call.nextIngest();
      call.closeSignal(60_000);
      await call.nextIngest();
      call.ack(0); // arrives after the signal, so the client is paused by the time it sees this ack
      await until(() => thirdIngested, 5000, "third record ingested");
      call.ack(1); // every sent request acked: the client leaves the pause at once
      await call.done;
    });
    let thirdIngested = false;
    const a0 = await stream.ingestRecord({ n: 0 });
    const a1 = await stream.ingestRecord({ n: 1 });
    await a0.waitForAck();
    const a2 = await stream.ingestRecord({ n: 2 });
    thirdIngested = true;
    assert.equal(await within(a2.waitForAck(), 5000, "ack on the new connection"), 2n);
    assert.ok(a1.isDone());
    assert.equal(server.calls[0]!.received.length, 3, "nothing sent on the closing connection after the signal");
    assert.deepEqual(server.calls[1]!.received.slice(1).map((r) => r.ingestRecord?.jsonRecord), ['{"n":2}']);
    assert.equal(stream.getState(), StreamState.OPENED);
    await stream.close();
  });

  it("reconnects at once when streamPausedMaxWaitTimeMs is 0", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        if (index > 0) return autoAck(call);
        await call.next();
        call.sendCreateResponse();
        await call.nextIngest();
        call.closeSignal(60_000);
        await call.done;
      },
      { streamPausedMaxWaitTimeMs: 0 },
    );
    const ack = await stream.ingestRecord({ n: 0 });
    assert.equal(await within(ack.waitForAck(), 5000, "ack"), 0n);
    assert.equal(server.calls.length, 2);
    await stream.close();
  });
});

describe("failures that end the stream", () => {
  it("a non-retriable error fails the stream: acks reject, records are kept, recreateStream re-ingests them", async () => {
    let failNow = true;
    const { server, sdk, stream } = await open(async (call) => {
      if (!failNow) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      await call.nextIngest();
      await call.nextIngest();
      call.ack(0);
      call.end(GrpcStatus.INVALID_ARGUMENT, "bad record in column 'x'");
    });
    const a0 = await stream.ingestRecord({ n: 0 });
    const a1 = await stream.ingestRecord({ n: 1 });
    const a2 = await stream.ingestRecords([{ n: 2 }, { n: 3 }]);
    await assert.rejects(a1.waitForAck(), (err: unknown) => err instanceof NonRetriableException && /bad record in column 'x'/.test(err.message));
    await assert.rejects(a2!.waitForAck(), NonRetriableException);
    assert.equal(await a0.waitForAck(), 0n);
    assert.equal(stream.getState(), StreamState.FAILED);
    assert.deepEqual(stream.getUnackedRecords().map(String), ['{"n":1}', '{"n":2}', '{"n":3}']);
    assert.deepEqual(stream.getUnackedBatches().map((b) => b.map(String)), [['{"n":1}'], ['{"n":2}', '{"n":3}']]);
    await assert.rejects(stream.ingestRecord({ n: 4 }), NonRetriableException);
    await assert.rejects(stream.flush(), NonRetriableException);
    await stream.close(); // closing a failed stream is a no-op

    failNow = false;
    const fresh = await sdk.recreateStream(stream);
    await fresh.flush();
    const replayed = server.calls[1]!.received.slice(1).map((r) => r.ingestRecord?.jsonRecord ?? r.ingestRecordBatch?.jsonBatch?.records);
    assert.deepEqual(replayed, ['{"n":1}', ['{"n":2}', '{"n":3}']]);
    await fresh.close();
  });

  it("with recovery off, the first retriable failure fails the stream", async () => {
    const { stream } = await open(
      async (call) => {
        await call.next();
        call.sendCreateResponse();
        await call.nextIngest();
        call.end(GrpcStatus.UNAVAILABLE, "gone");
      },
      { recovery: false },
    );
    const ack = await stream.ingestRecord({ n: 0 });
    await assert.rejects(ack.waitForAck(), (err: unknown) => err instanceof ZerobusException && err.retriable);
    assert.equal(stream.getState(), StreamState.FAILED);
    assert.equal(stream.getUnackedRecords().length, 1);
  });

  it("exhausted recovery attempts fail the stream with the last error chained", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        await call.next();
        if (index > 0) return call.end(GrpcStatus.UNAVAILABLE, "still down");
        call.sendCreateResponse();
        await call.nextIngest();
        call.end(GrpcStatus.UNAVAILABLE, "went down");
      },
      { recoveryRetries: 2 },
    );
    const ack = await stream.ingestRecord({ n: 0 });
    await assert.rejects(ack.waitForAck(), (err: unknown) => err instanceof ZerobusException && /gave up after 3 attempts/.test(err.message) && err.cause instanceof ZerobusException);
    // The first connection never got an ack through, so it was the first of the three attempts.
    assert.equal(server.calls.length, 3);
    assert.equal(stream.getState(), StreamState.FAILED);
  });

  it("recreateStream refuses an open stream", async () => {
    const { sdk, stream } = await open((call) => autoAck(call));
    await assert.rejects(sdk.recreateStream(stream), /not closed/);
    await stream.close();
  });
});
