import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { within } from "../test-support/fixtures.js";
import { autoAck, type ScriptedCall } from "../test-support/scripted-server.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import { ingestAll } from "./ingest-all.js";

const openStream = useScriptedStreams();

const requestSizes = (call: ScriptedCall) =>
  call.received.filter((r) => !r.createStream).map((r) => (r.ingestRecord ? 1 : r.ingestRecordBatch!.jsonBatch!.records.length));

describe("ingestAll", () => {
  it("ingests an async generator one record per call, then waits for the acknowledgments", async () => {
    const { server, stream } = await openStream((call) => autoAck(call));
    async function* rows() {
      for (let n = 0; n < 25; n++) yield { n };
    }
    const summary = await within(ingestAll(stream, rows()), 5000, "ingestAll");
    assert.deepEqual(summary, { records: 25, lastOffset: 24n });
    assert.deepEqual(stream.getUnackedRecords(), []);
    assert.deepEqual(requestSizes(server.calls[0]!), Array(25).fill(1));
    await stream.close();
  });

  it("groups records into batches of batchSize, the last one partial", async () => {
    const { server, stream } = await openStream((call) => autoAck(call));
    const summary = await ingestAll(stream, Array.from({ length: 23 }, (_, n) => ({ n })), { batchSize: 10 });
    assert.deepEqual(summary, { records: 23, lastOffset: 2n });
    assert.deepEqual(requestSizes(server.calls[0]!), [10, 10, 3]);
    assert.deepEqual(await ingestAll(stream, []), { records: 0, lastOffset: null });
    await stream.close();
  });

  it("stops at a bad record, rejecting with its error and closing the source", async () => {
    const { stream } = await openStream((call) => autoAck(call));
    let closed = false;
    async function* rows() {
      try {
        yield { n: 0 };
        yield 42; // not a JSON record
        yield { n: 2 };
      } finally {
        closed = true;
      }
    }
    await assert.rejects(ingestAll(stream, rows()), NonRetriableException);
    assert.ok(closed, "the generator's finally ran");
    await assert.rejects(ingestAll(stream, 5 as never), /expected an iterable/);
    await stream.close();
  });

  it("an abort rejects with AbortError, closes the source and leaves the stream usable", async () => {
    const { server, stream } = await openStream(async (call) => {
      await call.next();
      call.sendCreateResponse("manual");
    }, { maxInflightRecords: 2 });
    const call = await server.call(0);
    const controller = new AbortController();
    let closed = false;
    async function* endless() {
      try {
        for (let n = 0; ; n++) yield { n };
      } finally {
        closed = true;
      }
    }
    const running = ingestAll(stream, endless(), { signal: controller.signal });
    await call.nextIngest();
    await call.nextIngest(); // the window (2) is full; the third record waits for room
    controller.abort();
    await assert.rejects(within(running, 5000, "abort"), { name: "AbortError" });
    assert.ok(closed);
    // The records already ingested are still in flight, and the stream takes more once acks free room.
    call.ack(1);
    const offset = await stream.ingestRecordOffset({ n: 99 });
    // The third record, whose admission was pending at the abort, may still have been admitted first.
    assert.ok(offset === 2n || offset === 3n, `offset ${offset}`);
    for (let n = 2; n <= Number(offset); n++) call.ack((await call.nextIngest())!.offset);
    await stream.close();
    await assert.rejects(ingestAll(stream, [], { signal: AbortSignal.abort() }), { name: "AbortError" });
  });
});
