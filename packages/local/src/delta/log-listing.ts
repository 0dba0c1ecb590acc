import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeltaError } from "./delta-error.js";
import { isErrno } from "./durable-fs.js";
import { LAST_CHECKPOINT_FILE, logDir, parseLogFileName } from "./log-files.js";

/** A complete checkpoint: all its part files are present. */
export interface CheckpointFiles {
  version: number;
  /** File names in `_delta_log/`, in part order. */
  names: string[];
}

/** What `_delta_log/` holds. */
export interface LogListing {
  /** Commit versions present, ascending. */
  commits: number[];
  /** Complete classic or multi-part checkpoints, ascending by version. */
  checkpoints: CheckpointFiles[];
}

/**
 * Lists `_delta_log/`, keeping commits and complete classic/multi-part checkpoints. V2 checkpoints
 * (UUID-named, with sidecars) are not read yet; replay then falls back to an older checkpoint or to the
 * commits. Temp files and `.crc` files are ignored.
 *
 * @throws DeltaError (TABLE_NOT_FOUND) when there is no `_delta_log` directory.
 */
export async function listLog(tableDir: string): Promise<LogListing> {
  let names: string[];
  try {
    names = await readdir(logDir(tableDir));
  } catch (error) {
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) {
      throw new DeltaError("TABLE_NOT_FOUND", `No Delta table at ${tableDir} (no _delta_log directory)`, { cause: error });
    }
    throw error;
  }
  const commits: number[] = [];
  const parts = new Map<number, { expected: number; names: Map<number, string> }>();
  for (const name of names) {
    const file = parseLogFileName(name);
    if (file === null) continue;
    if (file.kind === "commit") commits.push(file.version);
    else if (file.kind === "checkpoint") {
      const key = file.version * 1000 + file.parts; // a version may have checkpoints of several part counts
      const entry = parts.get(key) ?? { expected: file.parts, names: new Map<number, string>() };
      entry.names.set(file.part, name);
      parts.set(key, entry);
    }
  }
  commits.sort((a, b) => a - b);
  const checkpoints: CheckpointFiles[] = [];
  for (const [key, entry] of parts) {
    if (entry.names.size !== entry.expected) continue;
    const sorted = [...entry.names.entries()].sort((a, b) => a[0] - b[0]).map(([, name]) => name);
    checkpoints.push({ version: Math.floor(key / 1000), names: sorted });
  }
  checkpoints.sort((a, b) => a.version - b.version || a.names.length - b.names.length);
  return { commits, checkpoints };
}

/** Contents of `_delta_log/_last_checkpoint` (the fields this reader uses). */
export interface LastCheckpoint {
  version: number;
  size: number;
  parts?: number;
  sizeInBytes?: number;
  numOfAddFiles?: number;
}

/**
 * Reads `_last_checkpoint`. It is only a hint, so anything unusable (missing, not JSON, no integer
 * version) yields null and the caller falls back to the listing.
 */
export async function readLastCheckpoint(tableDir: string): Promise<LastCheckpoint | null> {
  try {
    const json = JSON.parse(await readFile(join(logDir(tableDir), LAST_CHECKPOINT_FILE), "utf8")) as Partial<LastCheckpoint>;
    if (typeof json !== "object" || json === null || !Number.isSafeInteger(json.version) || (json.version as number) < 0) return null;
    return json as LastCheckpoint;
  } catch {
    return null;
  }
}
