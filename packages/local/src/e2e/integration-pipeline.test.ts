/**
 * Node streams into the local service: a generator piped through `pipeline()` into the SDK's record
 * Writable with a small in-flight window — the generator is paused while the window is full, so it never
 * runs more than the window and the Writable's buffer ahead of the acknowledgments — then `ingestAll` in
 * batches; every row is read back from the Delta table exactly once.
 */
import assert from "node:assert/strict";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import type { Writable } from "node:stream";
import { RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

/**
 * The SDK's Node-streams adapters, until `ZerobusStream.writable()` / `ingestAll()` expose them: loaded from
 * the SDK's sources at run time (a type-checked import would pull another package's sources into this one's
 * program), seen through the few signatures this test uses.
 */
interface NodeStreamsAdapters {
  createRecordWritable(stream: ZerobusStream, options?: { highWaterMark?: number }): Writable & { summary(): { records: number; lastOffset: bigint | null } };
  ingestAll(stream: ZerobusStream, source: AsyncIterable<unknown>, options?: { batchSize?: number }): Promise<{ records: number; lastOffset: bigint | null }>;
}
async function loadAdapters(): Promise<NodeStreamsAdapters> {
  const at = (file: string): string => new URL(`../../../sdk/src/node-streams/${file}`, import.meta.url).href;
  const [writable, all] = await Promise.all([import(at("record-writable.ts")), import(at("ingest-all.ts"))]);
  return { createRecordWritable: writable.createRecordWritable, ingestAll: all.ingestAll };
}

const TABLE = "main.e2e.readings";
const MAX_INFLIGHT = 8;
const HIGH_WATER_MARK = 4;
const PIPED = 300;
const BATCHED = 230;

describe("Node streams into the local service", () => {
  it("pipeline() from a generator respects backpressure; ingestAll batches; every row lands once", async () => {
    const temp = await makeTempDir();
    const service = await startService(temp.dir);
    const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    const { createRecordWritable, ingestAll } = await loadAdapters();
    try {
      await service.createTable(TABLE, "id BIGINT NOT NULL, source STRING");
      let acked = 0; // records acknowledged: one record per entry while piping, so the highest offset + 1
      const stream = await sdk.createStream(new TableProperties(TABLE), service.clientId, service.clientSecret, {
        recordType: RecordType.JSON,
        maxInflightRecords: MAX_INFLIGHT,
        ackCallback: (info) => void (acked = Math.max(acked, Number(info.durabilityAckUpToOffset) + 1)),
      });

      let produced = 0;
      let mostAhead = 0;
      async function* readings() {
        for (let id = 0; id < PIPED; id++) {
          mostAhead = Math.max(mostAhead, produced - acked);
          produced++;
          yield { id, source: "pipeline" };
        }
      }
      const writable = createRecordWritable(stream, { highWaterMark: HIGH_WATER_MARK });
      await within(20_000, pipeline(readings(), writable), "pipeline");
      assert.equal(acked, PIPED, "end() flushed: everything is acknowledged when the pipeline resolves");
      // In flight (8) + buffered in the Writable (4) + the one being written: the generator waited for acks.
      assert.ok(mostAhead <= MAX_INFLIGHT + HIGH_WATER_MARK + 1, `the generator ran ${mostAhead} records ahead of the acks`);
      assert.ok(mostAhead >= MAX_INFLIGHT, `the window filled (${mostAhead} ahead at most)`);
      assert.deepEqual(writable.summary(), { records: PIPED, lastOffset: BigInt(PIPED - 1) });

      async function* more() {
        for (let id = PIPED; id < PIPED + BATCHED; id++) yield { id, source: "ingestAll" };
      }
      const summary = await within(20_000, ingestAll(stream, more(), { batchSize: 25 }), "ingestAll");
      assert.deepEqual(summary, { records: BATCHED, lastOffset: BigInt(PIPED + Math.ceil(BATCHED / 25) - 1) });
      await within(10_000, stream.close(), "close");

      const { rows } = await readTable(tableDir(temp.dir, TABLE));
      const ids = rows.map((r) => Number(r.id as bigint)).sort((a, b) => a - b);
      assert.deepEqual(ids, Array.from({ length: PIPED + BATCHED }, (_, id) => id));
      assert.equal(rows.filter((r) => r.source === "ingestAll").length, BATCHED);
    } finally {
      sdk.close();
      await service.close();
      await temp.remove();
    }
  });
});
