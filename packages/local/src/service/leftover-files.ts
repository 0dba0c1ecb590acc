/**
 * Files a killed service leaves behind, removed at the next start. A commit is published by writing a
 * temp file and linking it to its version (commit-version.ts), checkpoints the same way
 * (write-checkpoint.ts), and rows by writing Parquet files before the commit that adds them: a `kill -9`
 * between the steps leaves `_delta_log/.tmp-<uuid>.*` files and Parquet files no commit refers to.
 *
 * Only what this service writes is touched, and only when it cannot be in use:
 * - names matching this service's patterns (`.tmp-<uuid>.…` in `_delta_log/`; `part-00000-<uuid>-c000….parquet`);
 * - modified before this start;
 * - Parquet files only in tables this service created (version 0's `engineInfo` is this service's) and
 *   referenced by no add or remove of the table's current state;
 * - nothing at all while another live service holds the data directory (its pid file names a live process),
 *   since that service's files between write and commit look exactly like leftovers.
 */
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalPath } from "../delta/log-replay.js";
import { ENGINE_INFO, loadSnapshot } from "../delta/index.js";

/** The data directory's pid file: which process serves it. */
export const PID_FILE = ".zerobus-local.pid";

const TEMP_FILE = /^\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\..+$/;
const DATA_FILE = /^part-00000-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-c000(\.[a-z0-9]+)?\.parquet$/;
/** Directory levels searched for tables: `<catalog>/<schema>/<table>`. */
const TABLE_DEPTH = 3;

/** What a cleanup removed, or why it did nothing. */
export interface LeftoverReport {
  removed: string[];
  /** Set when the data directory is served by another live process. */
  skipped?: string;
}

/**
 * Claims `dataDir` for this process (writes the pid file) and removes the leftovers of earlier runs
 * modified before `startedAtMs`. Never throws for a table it cannot read: that table is left as it is.
 */
export async function removeLeftoverFiles(dataDir: string, startedAtMs: number): Promise<LeftoverReport> {
  const owner = await livePid(join(dataDir, PID_FILE));
  if (owner !== undefined) return { removed: [], skipped: `the data directory is served by process ${owner}` };
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`);
  const removed: string[] = [];
  for (const tableDir of await tableDirs(dataDir)) {
    try {
      removed.push(...(await cleanTable(tableDir, startedAtMs)));
    } catch {
      // An unreadable table is reported when it is used; cleaning it can wait until it is repaired.
    }
  }
  return { removed };
}

/** Gives the data directory up (removes the pid file if it is this process's). */
export async function releaseDataDir(dataDir: string): Promise<void> {
  const path = join(dataDir, PID_FILE);
  if ((await readPid(path)) === process.pid) await rm(path, { force: true });
}

async function cleanTable(tableDir: string, startedAtMs: number): Promise<string[]> {
  const removed: string[] = [];
  const logDir = join(tableDir, "_delta_log");
  for (const name of await readdir(logDir)) {
    if (TEMP_FILE.test(name) && (await olderThan(join(logDir, name), startedAtMs))) removed.push(await remove(join(logDir, name)));
  }
  if (!(await createdHere(logDir))) return removed;
  const snapshot = await loadSnapshot(tableDir);
  const referenced = new Set([...snapshot.files.map((f) => f.path), ...snapshot.removes.map((r) => r.path)].map((p) => canonicalPath(tableDir, p)));
  for (const path of await dataFiles(tableDir)) {
    if (!referenced.has(path) && (await olderThan(path, startedAtMs))) removed.push(await remove(path));
  }
  return removed;
}

// Version 0's commitInfo says which engine created the table.
async function createdHere(logDir: string): Promise<boolean> {
  try {
    const first = (await readFile(join(logDir, "00000000000000000000.json"), "utf8")).split("\n", 1)[0] ?? "";
    return (JSON.parse(first) as { commitInfo?: { engineInfo?: unknown } }).commitInfo?.engineInfo === ENGINE_INFO;
  } catch {
    return false;
  }
}

// Parquet files of our naming in the table directory and its partition directories (not `_delta_log`).
async function dataFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith("_") && !entry.name.startsWith(".")) found.push(...(await dataFiles(join(dir, entry.name))));
    else if (entry.isFile() && DATA_FILE.test(entry.name)) found.push(join(dir, entry.name));
  }
  return found;
}

async function tableDirs(dataDir: string): Promise<string[]> {
  let level = [dataDir];
  for (let depth = 0; depth < TABLE_DEPTH; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith(".")) next.push(join(dir, entry.name));
    }
    level = next;
  }
  const tables: string[] = [];
  for (const dir of level) if (await stat(join(dir, "_delta_log")).then((s) => s.isDirectory(), () => false)) tables.push(dir);
  return tables;
}

async function olderThan(path: string, startedAtMs: number): Promise<boolean> {
  return (await stat(path)).mtimeMs < startedAtMs;
}

async function remove(path: string): Promise<string> {
  await rm(path, { force: true });
  return path;
}

async function livePid(path: string): Promise<number | undefined> {
  const pid = await readPid(path);
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
