import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrpcStatus } from "./errors.js";
import { until, within } from "./test-support/fixtures.js";
import { autoAck } from "./test-support/scripted-server.js";
import { useScriptedStreams } from "./test-support/scripted-stream.js";
import { requestRecords } from "./test-support/wire-schema.js";

const open = useScriptedStreams();

describe("request memory (pooled buffers, bounded unsent bytes)", () => {
  it("delivers many large requests intact and in order while their memory is reused", async () => {
    const { server, stream } = await open((call) => autoAck(call), { flushTimeoutMs: 10_000 });
    // Runs of same-size requests (which share pooled memory) below the 1 MiB unsent bound, then sizes from
    // 20 KiB to 1.5 MiB: several size classes, and requests above the bound.
    const sizes = [...Array(12).fill(40_000), 20_000, 300_000, 1_500_000, 40_000, 300_000, 700_000, 20_000, 1_500_000, 300_000, 40_000];
    const batches = sizes.map((size, n) => {
      const text = String.fromCharCode(65 + n).repeat(size / 4 - 4); // a different letter per batch
      return [`"${text}"`, `"${text}"`, `"${text}"`, `"${text}"`];
    });
    // All at once: the engine then encodes and writes them in one go, before grpc-js has copied any of them.
    await Promise.all(batches.map((batch) => stream.ingestRecordsOffset(batch)));
    await within(stream.flush(), 10_000, "flush of large requests");
    await stream.close();
    const received = server.calls[0]!.received.filter((r) => !r.createStream).map((r) => requestRecords(r).records.map(String));
    assert.equal(received.length, batches.length);
    received.forEach((records, n) => assert.deepEqual(records, batches[n], `request ${n} arrived exactly as ingested`));
  });

  it("delivers single-record requests intact while each one's memory is reused once written", async () => {
    // One request per call (maxRecordsPerRequest 1, as in the fault options): 40 KB requests, pooled, all at once.
    const { server, stream } = await open((call) => autoAck(call), { flushTimeoutMs: 10_000 });
    const records = Array.from({ length: 30 }, (_, n) => `"${String.fromCharCode(65 + (n % 26)).repeat(40_000)}${n}"`);
    await Promise.all(records.map((record) => stream.ingestRecordOffset(record)));
    await within(stream.flush(), 10_000, "flush of single records");
    const received = server.calls[0]!.received.filter((r) => !r.createStream).map((r) => requestRecords(r).records.map(String));
    assert.deepEqual(received, records.map((record) => [record]));
  });

  it("keeps a batch's memory until its ack: batches re-sent after a reconnect are intact", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAck(call);
      await call.next();
      call.sendCreateResponse();
      for (let i = 0; i < 8; i++) await call.nextIngest(); // received, never acknowledged
      await gate;
      call.end(GrpcStatus.UNAVAILABLE, "restarting");
    });
    const batches = Array.from({ length: 8 }, (_, n) => Array.from({ length: 4 }, (_, k) => `"${String.fromCharCode(65 + n).repeat(10_000)}${k}"`));
    // One at a time, so each batch is written before the next is admitted: the later four reuse the memory of
    // the first four if it were given back on write rather than on ack.
    for (const batch of batches) await stream.ingestRecordsOffset(batch);
    await until(() => server.calls[0]!.received.length === 9, 5_000, "eight batches received");
    release();
    await within(stream.flush(), 10_000, "flush after the reconnect");
    const replayed = server.calls[1]!.received.filter((r) => !r.createStream).map((r) => requestRecords(r).records.map(String));
    assert.deepEqual(replayed, batches);
  });
});
