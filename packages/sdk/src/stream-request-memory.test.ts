import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { TABLE, staticHeaders, within } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer } from "./test-support/scripted-server.js";
import { requestRecords } from "./test-support/wire-schema.js";

const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((c) => c())));

describe("request memory (pooled buffers, bounded unsent bytes)", () => {
  it("delivers many large requests intact and in order while their memory is reused", async () => {
    const server = await startScriptedServer((call) => autoAck(call));
    closers.push(() => server.close());
    const sdk = new ZerobusSdk(server.endpoint, "");
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { recordType: RecordType.JSON, flushTimeoutMs: 10_000 }, staticHeaders());
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
});
