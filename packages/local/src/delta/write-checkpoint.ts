import { randomUUID } from "node:crypto";
import { rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Row } from "../schema/delta-type.js";
import { CHECKPOINT_FIELDS, actionToCheckpointRow } from "./checkpoint-rows.js";
import type { DeltaAction } from "./delta-actions.js";
import { syncDirectory, writeNewFileDurably } from "./durable-fs.js";
import { lastCheckpointChecksum } from "./last-checkpoint-checksum.js";
import { LAST_CHECKPOINT_FILE, checkpointFileName, logDir } from "./log-files.js";
import type { LastCheckpoint } from "./log-listing.js";
import { createParquetEncoder, type ParquetEncoder } from "./parquet-encoder.js";
import type { Snapshot } from "./snapshot.js";

/** Default of `delta.deletedFileRetentionDuration`: tombstones are kept a week. */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The actions a checkpoint of `snapshot` holds (protocol "Checkpoints"): protocol, metaData, txns,
 * live domains, live adds, and the tombstones that have not expired — a remove expires once
 * `delta.deletedFileRetentionDuration` (default a week) has passed since its `deletionTimestamp`.
 * Stats are left out when `delta.checkpoint.writeStatsAsJson` is `false`.
 */
export function checkpointActions(snapshot: Snapshot, nowMs = Date.now()): DeltaAction[] {
  const actions: DeltaAction[] = [{ protocol: snapshot.protocol }, { metaData: snapshot.metadata }];
  for (const [appId, version] of snapshot.txns) actions.push({ txn: { appId, version } });
  for (const domain of snapshot.domains.values()) actions.push({ domainMetadata: domain });
  const withStats = snapshot.configuration["delta.checkpoint.writeStatsAsJson"]?.toLowerCase() !== "false";
  for (const add of snapshot.files) {
    if (withStats) actions.push({ add });
    else {
      const { stats: _stats, ...rest } = add;
      actions.push({ add: rest });
    }
  }
  const retentionMs = parseIntervalMs(snapshot.configuration["delta.deletedFileRetentionDuration"]) ?? DEFAULT_TOMBSTONE_RETENTION_MS;
  for (const remove of snapshot.removes) {
    if ((remove.deletionTimestamp ?? nowMs) >= nowMs - retentionMs) actions.push({ remove });
  }
  return actions;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000,
};

/** Milliseconds of a Spark interval text such as `interval 1 week` or `7 days`; undefined if unreadable. */
export function parseIntervalMs(text: string | undefined): number | undefined {
  const match = /^\s*(?:interval\s+)?(\d+)\s*([a-z]+?)s?\s*$/i.exec(text ?? "");
  const unit = match === null ? undefined : UNIT_MS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(match![1]) * unit;
}

/**
 * Writes a classic V1 checkpoint (`%020d.checkpoint.parquet`) of `snapshot`, then points
 * `_last_checkpoint` at it (with the protocol's MD5 `checksum`). Both go through a fsync'd temp file and `rename`: a checkpoint is derived
 * data, so replacing an identical one written concurrently by another writer is harmless, and readers
 * never see a partial file.
 *
 * @returns The `_last_checkpoint` contents written.
 */
export async function writeCheckpoint(snapshot: Snapshot, encoder: ParquetEncoder = createParquetEncoder()): Promise<LastCheckpoint> {
  const log = logDir(snapshot.tableDir);
  const actions = checkpointActions(snapshot);
  const rows = actions.map(actionToCheckpointRow).filter((row): row is Row => row !== null);
  const bytes = encoder.encode(CHECKPOINT_FIELDS, rows);
  await replaceDurably(log, checkpointFileName(snapshot.version), bytes);
  const last: LastCheckpoint = {
    version: snapshot.version,
    size: rows.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: snapshot.files.length,
  };
  await replaceDurably(log, LAST_CHECKPOINT_FILE, JSON.stringify({ ...last, checksum: lastCheckpointChecksum({ ...last }) }));
  return last;
}

async function replaceDurably(dir: string, name: string, content: Uint8Array | string): Promise<void> {
  const temp = join(dir, `.tmp-${randomUUID()}.${name}`);
  try {
    await writeNewFileDurably(temp, content);
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}
