/**
 * SIGKILL during ingest: the service runs in a child process and is killed with `kill -9` while the SDK
 * streams batches into it — three times over, on the same directory. After each kill, with no service
 * running, the table on disk must hold every row whose ack arrived, every commit file must be whole, every
 * `add` must name an existing file of exactly its size, and no temp file may count as a version. Finally a
 * new in-process service on the same directory appends again.
 */
import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { startChildService, type ChildService } from "./support/child-service.js";
import { isContiguousFromZero, replayDeltaLog } from "./support/delta-log-replay.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.crash";
const COLUMNS = "id BIGINT NOT NULL, payload STRING";
const BATCH = 50;
const KILL_AFTER_ACKED_BATCHES = 60n;
const MAX_BATCHES = 4_000; // a bound on the ingest loop: the kill comes long before
const CYCLES = 3;

/** Batch `k` of crash cycle `cycle`: ids `cycle·10^6 + k·BATCH …`. */
const batchOf = (cycle: number, k: number) =>
  Array.from({ length: BATCH }, (_, n) => ({ id: cycle * 1_000_000 + k * BATCH + n, payload: `cycle ${cycle} batch ${k} record ${n}` }));

/** Streams batches into a child service and kills it once `KILL_AFTER_ACKED_BATCHES` are acked. Returns the acked ids. */
async function ingestUntilKilled(child: ChildService, cycle: number): Promise<{ ackedIds: number[]; sent: number }> {
  const sdk = new ZerobusSdk(child.info.serverEndpoint, child.info.workspaceUrl);
  try {
    let acked = -1n; // highest logical offset (= batch number) whose ack arrived
    const stream = await sdk.createStream(child.info.clientId, child.info.clientSecret, new TableProperties(TABLE), {
      recordType: RecordType.JSON,
      recovery: false,
      maxInflightRecords: 1_000, // ~20 batches in flight: many small commits before the kill
      ackCallback: ({ durabilityAckUpToOffset }) => {
        if (durabilityAckUpToOffset > acked) acked = durabilityAckUpToOffset;
        if (acked >= KILL_AFTER_ACKED_BATCHES && child.process.exitCode === null) child.process.kill("SIGKILL");
      },
    });
    let sent = 0;
    const ingest = async () => {
      for (; sent < MAX_BATCHES; sent++) await stream.ingestRecordsOffset(batchOf(cycle, sent));
    };
    const failure = await within(20_000, ingest().then(() => undefined, (err: unknown) => err), "ingest until the kill");
    assert.ok(failure instanceof Error, "the stream fails once the service is gone");
    assert.equal(await within(10_000, child.exited, "child exit"), "SIGKILL");
    await stream.close().catch(() => {});
    assert.ok(acked >= KILL_AFTER_ACKED_BATCHES && acked < BigInt(sent), `acked ${acked} of ${sent} sent`);
    const ackedIds = batchesUpTo(Number(acked)).flatMap((k) => batchOf(cycle, k).map((r) => r.id));
    return { ackedIds, sent };
  } finally {
    sdk.close();
  }
}

const batchesUpTo = (last: number) => Array.from({ length: last + 1 }, (_, k) => k);

/** Checks the table as a crash left it, without any service; returns its row count and version count. */
async function checkAfterCrash(dir: string, ackedIds: readonly number[]): Promise<{ rows: number; versions: number; leftovers: number; orphans: number }> {
  const replay = await replayDeltaLog(dir); // throws on a torn commit file
  assert.ok(isContiguousFromZero(replay.versions), `versions ${replay.versions.join(",")}`);
  assert.ok(replay.otherNames.every((n) => n.startsWith(".")), `unexpected log entries: ${replay.otherNames.join(", ")}`);
  for (const add of replay.liveFiles) assert.equal((await stat(join(dir, add.path))).size, add.size, add.path);
  const table = await readTable(dir);
  assert.equal(table.version, replay.versions.at(-1), "temp files are never a version");
  const ids = table.rows.map((r) => Number(r.id));
  assert.equal(new Set(ids).size, ids.length, "no row twice");
  const present = new Set(ids);
  const missing = ackedIds.filter((id) => !present.has(id));
  assert.deepEqual(missing, [], "every acked row is in the table");
  const dataFiles = (await readdir(dir)).filter((n) => n.endsWith(".parquet"));
  return { rows: ids.length, versions: replay.versions.length, leftovers: replay.otherNames.length, orphans: dataFiles.length - replay.liveFiles.length };
}

describe("SIGKILL of the service during ingest", () => {
  it("keeps every acked row, leaves whole commits only, and accepts appends after each restart", async (t) => {
    const temp = await makeTempDir();
    const dir = tableDir(temp.dir, TABLE);
    let child: ChildService | undefined;
    try {
      const ackedIds: number[] = [];
      let rowsBefore = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        child = await startChildService(temp.dir, TABLE, COLUMNS);
        const { ackedIds: acked, sent } = await ingestUntilKilled(child, cycle);
        ackedIds.push(...acked);
        const found = await checkAfterCrash(dir, ackedIds);
        assert.ok(found.rows > rowsBefore, "each cycle appended after the previous crash");
        rowsBefore = found.rows;
        t.diagnostic(`cycle ${cycle}: killed after ${acked.length / BATCH} acked of ${sent} sent batches; ${found.rows} rows in ${found.versions} versions; `
          + `${found.leftovers} leftover temp file(s) in the log, ${found.orphans} orphan data file(s)`);
      }

      // A new service on the same directory appends after what survived.
      const service = await startService(temp.dir);
      const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
      try {
        const again = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties(TABLE), { recordType: RecordType.JSON });
        for (let k = 0; k < 10; k++) await again.ingestRecordsOffset(batchOf(CYCLES, k));
        await within(10_000, again.close(), "close after restart");
      } finally {
        sdk.close();
        await service.close();
      }
      const final = await checkAfterCrash(dir, [...ackedIds, ...batchesUpTo(9).flatMap((k) => batchOf(CYCLES, k).map((r) => r.id))]);
      assert.equal(final.rows, rowsBefore + 10 * BATCH);
    } finally {
      await child?.stop();
      await temp.remove();
    }
  });
});
