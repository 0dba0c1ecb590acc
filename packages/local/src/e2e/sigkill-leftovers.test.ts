/**
 * Leftovers of `kill -9`: the service is killed mid-ingest 20 times on one directory. Each start must
 * remove the temp files and unreferenced Parquet files the killed runs left (and only those): right after
 * every restart no such file older than the restart remains, every acked row is still there, and files
 * the service did not write survive.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { startChildService, type ChildService } from "./support/child-service.js";
import { replayDeltaLog } from "./support/delta-log-replay.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.leftovers";
const COLUMNS = "id BIGINT NOT NULL";
const CYCLES = 20;
const BATCH = 200;
const KILL_AFTER_ACKED = 1n;
const MAX_BATCHES = 2_000; // bounds the ingest loop; the kill comes long before

/** Temp files in the log and Parquet files no add refers to, modified before `beforeMs`. */
async function leftovers(dir: string, beforeMs: number): Promise<string[]> {
  const replay = await replayDeltaLog(dir);
  const live = new Set(replay.liveFiles.map((f) => f.path));
  const candidates = [
    ...replay.otherNames.filter((n) => n.startsWith(".tmp-")).map((n) => join(dir, "_delta_log", n)),
    ...(await readdir(dir)).filter((n) => n.endsWith(".parquet") && !live.has(n)).map((n) => join(dir, n)),
  ];
  const old: string[] = [];
  for (const path of candidates) if ((await stat(path)).mtimeMs < beforeMs) old.push(path);
  return old;
}

/** Streams into the child until a few batches are acked, kills it from the ack callback; returns the acked ids. */
async function ingestAndKill(child: ChildService, cycle: number): Promise<number[]> {
  const sdk = new ZerobusSdk(child.info.serverEndpoint, child.info.workspaceUrl);
  let acked = -1n;
  try {
    const stream = await sdk.createStream(child.info.clientId, child.info.clientSecret, new TableProperties(TABLE), {
      recordType: RecordType.JSON,
      recovery: false,
      maxInflightRecords: 2_000,
      ackCallback: ({ durabilityAckUpToOffset }) => {
        if (durabilityAckUpToOffset > acked) acked = durabilityAckUpToOffset;
        if (acked >= KILL_AFTER_ACKED && child.process.exitCode === null) child.process.kill("SIGKILL");
      },
    });
    const ingest = async () => {
      for (let k = 0; k < MAX_BATCHES; k++) await stream.ingestRecordsOffset(Array.from({ length: BATCH }, (_, n) => ({ id: cycle * 1_000_000 + k * BATCH + n })));
    };
    await within(20_000, ingest().catch(() => {}), "ingest until the kill");
    await within(10_000, child.exited, "child exit");
    await stream.close().catch(() => {});
  } finally {
    sdk.close();
  }
  return Array.from({ length: Number(acked + 1n) * BATCH }, (_, i) => cycle * 1_000_000 + i);
}

describe("SIGKILL leftovers", () => {
  it("are removed at every restart (20 kill -9 cycles); acked rows and foreign files stay", async (t) => {
    const temp = await makeTempDir();
    const dir = tableDir(temp.dir, TABLE);
    let child: ChildService | undefined;
    try {
      const acked: number[] = [];
      let removedSeen = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const before = cycle === 0 ? [] : await leftovers(dir, Date.now());
        const restartAt = Date.now();
        child = await startChildService(temp.dir, TABLE, COLUMNS);
        assert.deepEqual(await leftovers(dir, restartAt), [], `cycle ${cycle}: leftovers older than the restart`);
        removedSeen += before.length;
        acked.push(...(await ingestAndKill(child, cycle)));
      }
      t.diagnostic(`${removedSeen} leftover file(s) from the kills were removed at the restarts`);

      // Files the service did not write, and one it did (planted, as old as a killed run's), then a restart.
      const log = join(dir, "_delta_log");
      const foreign = [join(dir, `part-00001-${randomUUID()}-c000.snappy.parquet`), join(dir, "notes.parquet"), join(log, ".tmp-notes.json")];
      const ours = [join(dir, `part-00000-${randomUUID()}-c000.snappy.parquet`), join(log, `.tmp-${randomUUID()}.json`)];
      const past = new Date(Date.now() - 60_000);
      for (const path of [...foreign, ...ours]) {
        await writeFile(path, "x");
        await utimes(path, past, past);
      }
      const restartAt = Date.now();
      const service = await startService(temp.dir);
      await service.close();
      // What remains is exactly the foreign files (two of them look like leftovers to the check above).
      assert.deepEqual((await leftovers(dir, restartAt)).sort(), [...foreign].sort());
      for (const path of foreign) assert.ok((await stat(path)).isFile(), `${path} was not the service's to remove`);
      const present = new Set((await readTable(dir)).rows.map((r) => Number(r.id)));
      assert.deepEqual(acked.filter((id) => !present.has(id)), [], "every acked row is in the table");
    } finally {
      await child?.stop();
      await temp.remove();
    }
  });
});
