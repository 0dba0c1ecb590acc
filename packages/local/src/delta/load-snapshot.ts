import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseActionLine } from "./action-json.js";
import type { DeltaAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { ENGINE_INFO } from "./engine-info.js";
import { commitFileName, logDir } from "./log-files.js";
import { listLog, readLastCheckpoint, type CheckpointFiles, type LastCheckpoint, type LogListing } from "./log-listing.js";
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
 * @throws DeltaError TABLE_NOT_FOUND (no log), VERSION_NOT_FOUND (beyond the latest version),
 * LOG_INVALID (gaps, history no longer reconstructible, missing protocol/metaData, unreadable commits).
 */
export async function loadSnapshot(dir: string, options: LoadSnapshotOptions = {}): Promise<Snapshot> {
  const listing = await listLog(dir);
  const latest = latestVersion(listing);
  if (latest === null) throw new DeltaError("TABLE_NOT_FOUND", `No Delta table at ${dir} (the log is empty)`);
  const target = options.version ?? latest;
  if (!Number.isSafeInteger(target) || target < 0 || target > latest) {
    throw new DeltaError("VERSION_NOT_FOUND", `Version ${target} of ${dir} does not exist (latest is ${latest})`);
  }
  const candidates = await checkpointCandidates(dir, listing, target);
  let lastError: unknown;
  for (const checkpoint of candidates) {
    const replay = new LogReplay(dir);
    if (checkpoint !== null) {
      try {
        for (const action of await readCheckpointActions(dir, checkpoint)) replay.apply(action);
      } catch (error) {
        // A damaged checkpoint is only a lost shortcut: try an older one, or replay from version 0.
        lastError = error;
        continue;
      }
    }
    const first = checkpoint === null ? 0 : checkpoint.version + 1;
    assertContiguous(dir, listing, first, target, lastError);
    for (let version = first; version <= target; version++) {
      replay.beginCommit();
      for (const action of await readCommit(dir, version)) replay.apply(action);
    }
    if (checkpoint?.version === target && listing.commits.includes(target)) {
      // Checkpoints drop commitInfo; the snapshot's own commit still says when it happened.
      for (const action of await readCommit(dir, target)) if ("commitInfo" in action) replay.apply(action);
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
  const hinted = hint === null ? undefined : usable.find((c) => c.version === hint.version && matchesHint(c, hint));
  const ordered = hinted === undefined ? usable : [hinted, ...usable.filter((c) => c !== hinted)];
  return [...ordered, null];
}

function matchesHint(checkpoint: CheckpointFiles, hint: LastCheckpoint): boolean {
  if (hint.v2Checkpoint !== undefined) return checkpoint.names[0] === hint.v2Checkpoint.path;
  return checkpoint.names.length === (hint.parts ?? 1);
}

function assertContiguous(dir: string, listing: LogListing, first: number, target: number, checkpointError: unknown): void {
  const present = new Set(listing.commits);
  for (let version = first; version <= target; version++) {
    if (!present.has(version)) {
      if (first === 0 && version === 0) {
        const oldest = listing.commits[0] ?? listing.checkpoints[0]?.version;
        throw new DeltaError(
          "LOG_INVALID",
          `Version ${target} of ${dir} cannot be reconstructed: no usable checkpoint at or below it and the commits start at version ${oldest}`,
          checkpointError === undefined ? {} : { cause: checkpointError },
        );
      }
      const found = listing.commits.length === 0 ? "none" : describeVersions(listing.commits);
      throw new DeltaError(
        "LOG_INVALID",
        `The log of ${dir} is not contiguous: commit ${version} is missing (needed ${first}..${target}, commits found ${found})`,
      );
    }
  }
}

// Ascending versions as ranges: `0, 2..5, 9`.
function describeVersions(versions: readonly number[]): string {
  const ranges: string[] = [];
  let start = versions[0]!;
  for (let i = 1; i <= versions.length; i++) {
    if (versions[i] === versions[i - 1]! + 1) continue;
    const end = versions[i - 1]!;
    ranges.push(start === end ? String(start) : `${start}..${end}`);
    start = versions[i]!;
  }
  return ranges.join(", ");
}

async function readCommit(dir: string, version: number): Promise<DeltaAction[]> {
  const name = commitFileName(version);
  const text = await readFile(join(logDir(dir), name), "utf8");
  const actions: DeltaAction[] = [];
  for (const line of text.split("\n")) {
    const action = parseActionLine(line, name);
    if (action !== null) actions.push(action);
  }
  checkWhole(name, text, actions);
  return actions;
}

/**
 * A commit file is published whole (written, fsync'd, then linked), so one that is empty or shorter than
 * it says was damaged afterwards (a truncating copy, a disk fault): reading it as it is would lose rows
 * without a word. A partial last line already fails to parse; this catches the cuts that fall between
 * lines, which every commit can show (an empty file), and which this service's own commits reveal (they
 * end with a newline and count their added files).
 */
function checkWhole(name: string, text: string, actions: readonly DeltaAction[]): void {
  if (actions.length === 0) {
    throw new DeltaError("LOG_INVALID", `${name} holds no actions (${text.length === 0 ? "the file is empty" : "only blank lines"}); a commit always holds at least one: the file was cut short`);
  }
  const first = actions[0];
  if (first === undefined || !("commitInfo" in first) || first.commitInfo["engineInfo"] !== ENGINE_INFO) return;
  if (!text.endsWith("\n")) throw new DeltaError("LOG_INVALID", `${name} does not end with a newline, as every commit this service writes does: the file was cut short`);
  const metrics = first.commitInfo["operationMetrics"] as Record<string, unknown> | undefined;
  const counted = Number(metrics?.["numAddedFiles"]);
  if (!Number.isSafeInteger(counted)) return;
  const present = actions.filter((action) => "add" in action).length;
  if (present !== counted) {
    throw new DeltaError("LOG_INVALID", `${name} was cut short: its commitInfo counts ${counted} added file(s) but ${present} are in it`);
  }
}
