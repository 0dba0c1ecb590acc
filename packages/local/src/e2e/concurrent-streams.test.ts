/**
 * Two concurrent streams into one table, from two SDK instances (one PROTO, one JSON): every row lands,
 * the service groups their requests into shared commits (far fewer commits than requests, and commits
 * holding both streams' rows), and each stream's `txn` action records its last offset. The clients send one
 * record per request (`maxRecordsPerRequest: 1`), so the service sees 1,000 requests per stream to group.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import protobuf from "protobufjs";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { isContiguousFromZero, replayDeltaLog } from "./support/delta-log-replay.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.shared";
const PER_STREAM = 1_000;
const Reading = protobuf
  .parse('syntax = "proto2"; message Reading { required int64 id = 1; optional string source = 2; }', { keepCase: true })
  .root.lookupType("Reading");

/** Ingests `PER_STREAM` single-record requests without waiting for acks, then closes (which flushes). */
async function run(stream: ZerobusStream, firstId: number, source: string): Promise<void> {
  for (let n = 0; n < PER_STREAM; n++) await stream.ingestRecordOffset({ id: BigInt(firstId + n), source });
  await within(15_000, stream.close(), `close ${source}`);
}

describe("two concurrent streams into one table", () => {
  it("lands every row in grouped commits and records each stream's txn", async (t) => {
    const temp = await makeTempDir();
    const service = await startService(temp.dir, { commit: { maxDelayMs: 50 } });
    const sdkA = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    const sdkB = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    try {
      await service.createTable(TABLE, "id BIGINT NOT NULL, source STRING");
      const a = await sdkA.createStream(service.clientId, service.clientSecret, new TableProperties(TABLE, Reading), { recordType: RecordType.PROTO, maxRecordsPerRequest: 1 });
      const b = await sdkB.createStream({ tableName: TABLE }, service.clientId, service.clientSecret, { recordType: RecordType.Json, maxRecordsPerRequest: 1 });
      await Promise.all([run(a, 0, "a"), run(b, 100_000, "b")]);

      const dir = tableDir(temp.dir, TABLE);
      const table = await readTable(dir);
      const ids = table.rows.map((r) => Number(r.id)).sort((x, y) => x - y);
      const want = [...Array.from({ length: PER_STREAM }, (_, n) => n), ...Array.from({ length: PER_STREAM }, (_, n) => 100_000 + n)];
      assert.deepEqual(ids, want);
      assert.ok(table.rows.every((r) => r.source === (Number(r.id) < 100_000 ? "a" : "b")));

      const replay = await replayDeltaLog(dir);
      assert.ok(isContiguousFromZero(replay.versions));
      const appends = replay.commits.filter((c) => c.actions.some((action) => action.txn !== undefined));
      assert.ok(appends.length < (2 * PER_STREAM) / 10, `${appends.length} commits for ${2 * PER_STREAM} requests`);
      const shared = appends.filter((c) => new Set(c.actions.flatMap((action) => (action.txn ? [(action.txn as { appId: string }).appId] : []))).size === 2);
      assert.ok(shared.length > 0, "some commit holds both streams' rows");
      t.diagnostic(`${2 * PER_STREAM} requests in ${appends.length} commits, ${shared.length} of them shared by both streams`);
      assert.equal(replay.txns.get(a.streamId), BigInt(PER_STREAM - 1), "stream a's txn");
      assert.equal(replay.txns.get(b.streamId), BigInt(PER_STREAM - 1), "stream b's txn");
      assert.equal(replay.txns.size, 2);
    } finally {
      sdkA.close();
      sdkB.close();
      await service.close();
      await temp.remove();
    }
  });
});
