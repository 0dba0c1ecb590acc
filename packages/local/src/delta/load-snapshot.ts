import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseActionLine } from "./action-json.js";
import type { DeltaAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { commitFileName, logDir } from "./log-files.js";
import { listLog, readLastCheckpoint, type CheckpointFiles, type LogListing } from "./log-listing.js";
import { LogReplay } from "./log-replay.js";
import { readCheckpointActions } from "./read-checkpoint.js";
import type { Snapshot } from "./snapshot.js";

/** Options of {@link loadSnapshot}. */
export interface LoadSnapshotOptions {
  /** The version to load (time travel); default the latest. */
  version?: number;
}

/**
 * Reconstructs the table state at a version: starts from the newest usable checkpoint at or below it
 * (the one `_last_checkpoint` names when that hint is valid, else the newest found by listing), then
 * applies the JSON commits after it, which must be contiguous. A checkpoint that fails to read is
 * skipped in favour of an older one or of replay from version 0.
 *
 * @throws DeltaError TABLE_NOT_FOUND (no log), LOG_INVALID (gaps, unknown version, missing
 * protocol/metaData, unreadable commits).
 */
export async function loadSnapshot(dir: string, options: LoadSnapshotOptions = {}): Promise<Snapshot> {
  const listing = await listLog(dir);
  const latest = latestVersion(listing);
  if (latest === null) throw new DeltaError("TABLE_NOT_FOUND", `No Delta table at ${dir} (the log is empty)`);
  const target = options.version ?? latest;
  if (!Number.isSafeInteger(target) || target < 0 || target > latest) {
    throw new DeltaError("LOG_INVALID", `Version ${target} of ${dir} does not exist (latest is ${latest})`);
  }
  const candidates = await checkpointCandidates(dir, listing, target);
  let lastError: unknown;
  for (const checkpoint of candidates) {
    const replay = new LogReplay();
    if (checkpoint !== null) {
      try {
        for (const action of await readCheckpointActions(dir, checkpoint)) replay.apply(action);
      } catch (error) {
        lastError = error;
        continue;
      }
    }
    const first = checkpoint === null ? 0 : checkpoint.version + 1;
    assertContiguous(dir, listing, first, target);
    for (let version = first; version <= target; version++) {
      for (const action of await readCommit(dir, version)) replay.apply(action);
    }
    return replay.toSnapshot(dir, target, checkpoint?.version ?? null);
  }
  throw new DeltaError("LOG_INVALID", `No readable checkpoint or complete commit history for version ${target} of ${dir}`, { cause: lastError });
}

function latestVersion(listing: LogListing): number | null {
  const commit = listing.commits.at(-1);
  const checkpoint = listing.checkpoints.at(-1)?.version;
  if (commit === undefined) return checkpoint ?? null;
  return checkpoint === undefined ? commit : Math.max(commit, checkpoint);
}

// Checkpoints to try, best first: the hinted one, then the others newest first, then none (version 0).
async function checkpointCandidates(dir: string, listing: LogListing, target: number): Promise<Array<CheckpointFiles | null>> {
  const usable = listing.checkpoints.filter((checkpoint) => checkpoint.version <= target).reverse();
  const hint = await readLastCheckpoint(dir);
  const hinted = hint === null ? undefined : usable.find((c) => c.version === hint.version && c.names.length === (hint.parts ?? 1));
  const ordered = hinted === undefined ? usable : [hinted, ...usable.filter((c) => c !== hinted)];
  return [...ordered, null];
}

function assertContiguous(dir: string, listing: LogListing, first: number, target: number): void {
  const present = new Set(listing.commits);
  for (let version = first; version <= target; version++) {
    if (!present.has(version)) {
      const found = listing.commits.length === 0 ? "none" : `${listing.commits[0]}..${listing.commits.at(-1)}`;
      throw new DeltaError(
        "LOG_INVALID",
        `The log of ${dir} is not contiguous: commit ${version} is missing (needed ${first}..${target}, commits found ${found})`,
      );
    }
  }
}

async function readCommit(dir: string, version: number): Promise<DeltaAction[]> {
  const name = commitFileName(version);
  const text = await readFile(join(logDir(dir), name), "utf8");
  const actions: DeltaAction[] = [];
  for (const line of text.split("\n")) {
    const action = parseActionLine(line, name);
    if (action !== null) actions.push(action);
  }
  return actions;
}
