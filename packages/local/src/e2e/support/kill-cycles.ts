/**
 * `kill -9` cycles on one directory, shared by the SIGKILL-leftovers test and `npm run torture`: each
 * cycle starts the service in a child process, checks that no leftover older than that start remains,
 * streams into it and kills it once a few batches are acked.
 */
import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { startChildService, type ChildService } from "./child-service.js";
import { replayDeltaLog } from "./delta-log-replay.js";
import { within } from "./e2e-harness.js";

/** The table the cycles stream into. */
export const TABLE = "main.e2e.leftovers";
/** Its columns. */
export const COLUMNS = "id BIGINT NOT NULL";
const BATCH = 200;
const KILL_AFTER_ACKED = 1n;
const MAX_BATCHES = 2_000; // bounds the ingest loop; the kill comes long before

/** Temp files in the log and Parquet files no add refers to, modified before `beforeMs`. */
export async function leftovers(dir: string, beforeMs: number): Promise<string[]> {
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

/** What the cycles did: the ids whose ack arrived, and how many leftovers the restarts removed. */
export interface KillCycles {
  acked: number[];
  removedSeen: number;
}

/**
 * Runs `cycles` start–ingest–kill cycles over `dataDir`; after each start asserts that no leftover older
 * than the start remains.
 */
export async function runKillCycles(dataDir: string, tableDir: string, cycles: number): Promise<KillCycles> {
  const acked: number[] = [];
  let removedSeen = 0;
  let child: ChildService | undefined;
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      removedSeen += cycle === 0 ? 0 : (await leftovers(tableDir, Date.now())).length;
      const restartAt = Date.now();
      child = await startChildService(dataDir, TABLE, COLUMNS);
      assert.deepEqual(await leftovers(tableDir, restartAt), [], `cycle ${cycle}: leftovers older than the restart`);
      acked.push(...(await ingestAndKill(child, cycle)));
    }
  } finally {
    await child?.stop();
  }
  return { acked, removedSeen };
}
