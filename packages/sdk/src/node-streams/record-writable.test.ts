import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { StreamState } from "../stream-state.js";
import { until, within } from "../test-support/fixtures.js";
import { autoAck, type ScriptedCall } from "../test-support/scripted-server.js";
import { useScriptedStreams } from "../test-support/scripted-stream.js";
import { createRecordWritable } from "./record-writable.js";

const openStream = useScriptedStreams();

/** Records (as JSON objects `{ n }`) the server received on a call, in order. */
const received = (call: ScriptedCall): number[] =>
  call.received.flatMap((r) => {
    if (r.ingestRecord?.jsonRecord) return [JSON.parse(r.ingestRecord.jsonRecord).n as number];
    return (r.ingestRecordBatch?.jsonBatch?.records ?? []).map((s) => JSON.parse(s).n as number);
  });

describe("createRecordWritable", () => {
  it("pauses a generator in pipeline() while the in-flight window is full, and flushes on end", async () => {
    const MAX_INFLIGHT = 4;
    const TOTAL = 40;
    const { server, stream } = await openStream(async (call) => {
      await call.next();
      call.sendCreateResponse("manual");
    }, { maxInflightRecords: MAX_INFLIGHT });
    const call = await server.call(0);
    let produced = 0;
    async function* numbers() {
      for (let n = 0; n < TOTAL; n++) {
        produced++;
        yield { n };
      }
    }
    const writable = createRecordWritable(stream, { highWaterMark: 2 });
    const done = pipeline(numbers(), writable);

    // Nothing is acknowledged yet: the window admits 4, the Writable buffers 2, and one more is in hand.
    for (let i = 0; i < MAX_INFLIGHT; i++) await call.nextIngest();
    await until(() => writable.writableLength >= 2, 5000, "the Writable's buffer to fill");
    const producedWhileStalled = produced;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(produced, producedWhileStalled, "the generator stays paused");
    assert.ok(produced <= MAX_INFLIGHT + 2 + 2, `produced ${produced} with ${MAX_INFLIGHT} in flight`);
    assert.equal(writable.records, MAX_INFLIGHT);

    // Acknowledge as requests arrive: the pipeline drains and end() waits for the last acknowledgment.
    call.ack(MAX_INFLIGHT - 1);
    for (let offset = MAX_INFLIGHT; offset < TOTAL; offset++) {
      const request = await call.nextIngest();
      call.ack(request!.offset);
    }
    await within(done, 5000, "pipeline");
    assert.deepEqual(received(call), Array.from({ length: TOTAL }, (_, n) => n));
    assert.deepEqual(writable.summary(), { records: TOTAL, lastOffset: BigInt(TOTAL - 1) });
    assert.deepEqual(stream.getUnackedRecords(), [], "end() flushed");
    await stream.close();
  });

  it("sends buffered records as batches of up to batchSize", async () => {
    const { server, stream } = await openStream((call) => autoAck(call));
    const writable = createRecordWritable(stream, { batchSize: 8, end: "close" });
    await within(pipeline(Readable.from(Array.from({ length: 100 }, (_, n) => ({ n }))), writable), 5000, "pipeline");
    const call = server.calls[0]!;
    assert.deepEqual(received(call), Array.from({ length: 100 }, (_, n) => n));
    assert.ok(call.received.some((r) => (r.ingestRecordBatch?.jsonBatch?.records.length ?? 0) > 1), "some requests are batches");
    assert.ok(call.received.every((r) => (r.ingestRecordBatch?.jsonBatch?.records.length ?? 0) <= 8));
    assert.equal(writable.records, 100);
    assert.equal(stream.getState(), StreamState.CLOSED, 'end: "close" closed the stream');
  });

  it("is destroyed by a failed ingest; the records written before it are kept and acknowledged", async () => {
    const { server, stream } = await openStream((call) => autoAck(call));
    const writable = createRecordWritable(stream);
    const source = Readable.from([{ n: 0 }, { n: 1 }, Buffer.from("not JSON for a JSON stream"), { n: 3 }], { objectMode: true });
    const err = await pipeline(source, writable).catch((e: unknown) => e);
    assert.ok(err instanceof NonRetriableException, String(err));
    assert.ok(writable.destroyed);
    assert.equal(writable.records, 2);
    await stream.flush();
    assert.deepEqual(received(server.calls[0]!), [0, 1]);
    // The stream itself is fine: a bad record is refused before anything is sent.
    await stream.ingestRecordOffset({ n: 4 });
    await stream.close();
    assert.deepEqual(received(server.calls[0]!), [0, 1, 4]);
  });

  it("validates its options", async () => {
    const { stream } = await openStream((call) => autoAck(call));
    assert.throws(() => createRecordWritable(stream, { batchSize: 0 }), NonRetriableException);
    assert.throws(() => createRecordWritable(stream, { end: "later" as never }), NonRetriableException);
    await stream.close();
  });
});
