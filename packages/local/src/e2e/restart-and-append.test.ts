/**
 * Restart on the same data directory: ingest through the SDK, close the service, start a new one on the
 * same directory (it finds the table on disk), ingest more, and read back every row, with the log's
 * versions contiguous across the restart.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { isContiguousFromZero, replayDeltaLog } from "./support/delta-log-replay.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.restarted";

/** One service lifetime: start on `dataDir`, stream `ids` as JSON (in batches of 25), close everything. */
async function ingestOnce(dataDir: string, ids: readonly number[], create: boolean): Promise<string> {
  const service = await startService(dataDir);
  const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
  try {
    if (create) await service.createTable(TABLE, "id BIGINT NOT NULL, label STRING");
    const stream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties(TABLE), { recordType: RecordType.JSON });
    for (let n = 0; n < ids.length; n += 25) {
      await stream.ingestRecordsOffset(ids.slice(n, n + 25).map((id) => ({ id, label: `row ${id}` })));
    }
    await within(10_000, stream.close(), "close");
    return stream.streamId;
  } finally {
    sdk.close();
    await service.close();
  }
}

describe("restart on the same data directory", () => {
  it("appends after a restart; all rows read back and versions stay contiguous", async () => {
    const temp = await makeTempDir();
    try {
      const first = Array.from({ length: 500 }, (_, n) => n);
      const second = Array.from({ length: 300 }, (_, n) => 10_000 + n);
      const firstStream = await ingestOnce(temp.dir, first, true);
      const before = await replayDeltaLog(tableDir(temp.dir, TABLE));
      const secondStream = await ingestOnce(temp.dir, second, false);

      const replay = await replayDeltaLog(tableDir(temp.dir, TABLE));
      assert.ok(isContiguousFromZero(replay.versions), `versions ${replay.versions.join(",")}`);
      assert.ok(replay.versions.length > before.versions.length, "the second service committed new versions");
      // Each service's stream left its own txn with its last offset (20 batches, then 12).
      assert.equal(replay.txns.get(firstStream), 19n);
      assert.equal(replay.txns.get(secondStream), 11n);

      const table = await readTable(tableDir(temp.dir, TABLE));
      assert.equal(table.version, replay.versions.at(-1));
      assert.deepEqual(
        table.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
        [...first, ...second],
      );
      assert.ok(table.rows.every((r) => r.label === `row ${String(r.id)}`));
    } finally {
      await temp.remove();
    }
  });
});
