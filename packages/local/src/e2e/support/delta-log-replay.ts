/**
 * An independent reading of a table's `_delta_log`: the JSON commits replayed from version 0 by this
 * file alone, without the service's Delta code, so the tests can check what the service wrote against
 * the Delta protocol rather than against itself. (The service never deletes commits, so replaying the
 * JSON files from 0 needs no checkpoint.)
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** An `add` action as the log states it. */
export interface LoggedAdd {
  path: string;
  size: number;
  /** The `stats` JSON text, if any (numbers beyond 2^53 are exact only here). */
  statsText: string | undefined;
  /** The parsed `stats` JSON, if any. */
  stats: { numRecords?: number; minValues?: Record<string, unknown>; maxValues?: Record<string, unknown>; nullCount?: Record<string, unknown> } | undefined;
}

/** What the replay finds. */
export interface LogReplay {
  /** Commit versions found, ascending. */
  versions: number[];
  /** Names in `_delta_log/` that are neither commits, checkpoints, `_last_checkpoint` nor `.crc` files. */
  otherNames: string[];
  /** Live files after the last version, in the order they were added. */
  liveFiles: LoggedAdd[];
  /** Latest `txn.version` per `appId`. */
  txns: Map<string, bigint>;
  /** The actions of each version, in order. */
  commits: Array<{ version: number; actions: Array<Record<string, unknown>> }>;
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^\d{20}\.checkpoint(\.\d{10}\.\d{10})?\.parquet$/;

/**
 * Replays every commit file of the table at `tableDir`. Throws if a commit file is not complete JSON
 * lines (each line a JSON object, the file ending in a newline): a torn commit must never be visible.
 */
export async function replayDeltaLog(tableDir: string): Promise<LogReplay> {
  const log = join(tableDir, "_delta_log");
  const names = (await readdir(log)).sort();
  const versions: number[] = [];
  const otherNames: string[] = [];
  for (const name of names) {
    const match = COMMIT.exec(name);
    if (match !== null) versions.push(Number(match[1]));
    else if (!CHECKPOINT.test(name) && name !== "_last_checkpoint" && !name.endsWith(".crc")) otherNames.push(name);
  }
  const live = new Map<string, LoggedAdd>();
  const txns = new Map<string, bigint>();
  const commits: LogReplay["commits"] = [];
  for (const version of versions) {
    const name = `${String(version).padStart(20, "0")}.json`;
    const actions = parseCommit(name, await readFile(join(log, name), "utf8"));
    commits.push({ version, actions });
    for (const action of actions) apply(action, live, txns);
  }
  return { versions, otherNames, liveFiles: [...live.values()], txns, commits };
}

function parseCommit(name: string, text: string): Array<Record<string, unknown>> {
  if (!text.endsWith("\n")) throw new Error(`${name} does not end with a newline: a torn commit`);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${name} line ${i + 1} is not JSON: ${(err as Error).message}`, { cause: err });
      }
    });
}

function apply(action: Record<string, unknown>, live: Map<string, LoggedAdd>, txns: Map<string, bigint>): void {
  if (action.add !== undefined) {
    const add = action.add as { path: string; size: number; stats?: string | null };
    const path = decodeURIComponent(add.path);
    const statsText = add.stats ?? undefined;
    live.set(path, { path, size: add.size, statsText, stats: statsText ? (JSON.parse(statsText) as LoggedAdd["stats"]) : undefined });
  } else if (action.remove !== undefined) {
    live.delete(decodeURIComponent((action.remove as { path: string }).path));
  } else if (action.txn !== undefined) {
    const txn = action.txn as { appId: string; version: number };
    txns.set(txn.appId, BigInt(txn.version));
  }
}

/** Whether `versions` is exactly 0, 1, …, n. */
export function isContiguousFromZero(versions: readonly number[]): boolean {
  return versions.every((v, i) => v === i);
}
