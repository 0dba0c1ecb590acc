import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeltaError } from "./delta-error.js";
import { isErrno } from "./durable-fs.js";
import { lastCheckpointChecksum } from "./last-checkpoint-checksum.js";
import { LAST_CHECKPOINT_FILE, logDir, parseLogFileName } from "./log-files.js";
import { parseLosslessJson } from "./lossless-json.js";

/** A complete checkpoint: all its part files are present. */
export interface CheckpointFiles {
  version: number;
  /** File names in `_delta_log/`, in part order (one name unless multi-part). */
  names: string[];
  /**
   * `classic` (`n.checkpoint.parquet`, V1 or V2 content), `multi-part` (V1), or `v2` (UUID-named,
   * JSON or Parquet, possibly with sidecars).
   */
  kind: "classic" | "multi-part" | "v2";
}

/** What `_delta_log/` holds. */
export interface LogListing {
  /** Commit versions present, ascending. */
  commits: number[];
  /** Complete checkpoints, ascending by version. */
  checkpoints: CheckpointFiles[];
}

/**
 * Lists `_delta_log/`, keeping commits and complete checkpoints of every kind: classic, multi-part
 * (only when every part is present, as the protocol requires) and UUID-named V2. Temp files, `.crc`
 * files and log compaction files are ignored.
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
  const checkpoints: CheckpointFiles[] = [];
  const parts = new Map<string, { version: number; expected: number; names: Map<number, string> }>();
  for (const name of names) {
    const file = parseLogFileName(name);
    if (file === null) continue;
    if (file.kind === "commit") commits.push(file.version);
    else if (file.kind === "v2-checkpoint") checkpoints.push({ version: file.version, names: [name], kind: "v2" });
    else if (file.parts === 1) checkpoints.push({ version: file.version, names: [name], kind: "classic" });
    else {
      // A version may have multi-part checkpoints of several part counts; each is complete or not.
      const key = `${file.version}/${file.parts}`;
      const entry = parts.get(key) ?? { version: file.version, expected: file.parts, names: new Map<number, string>() };
      entry.names.set(file.part, name);
      parts.set(key, entry);
    }
  }
  commits.sort((a, b) => a - b);
  for (const entry of parts.values()) {
    if (entry.names.size !== entry.expected) continue;
    const sorted = [...entry.names.entries()].sort((a, b) => a[0] - b[0]).map(([, name]) => name);
    checkpoints.push({ version: entry.version, names: sorted, kind: "multi-part" });
  }
  // Within a version, single-file checkpoints come last so that "newest first" tries them first.
  checkpoints.sort((a, b) => a.version - b.version || b.names.length - a.names.length);
  return { commits, checkpoints };
}

/** Contents of `_delta_log/_last_checkpoint` (the fields this reader uses). */
export interface LastCheckpoint {
  version: number;
  /** Number of actions (rows) in the checkpoint. */
  size: number;
  /** Number of part files of a multi-part checkpoint. */
  parts?: number;
  /** Size of the checkpoint file in bytes. */
  sizeInBytes?: number;
  /** Number of `add` actions in the checkpoint. */
  numOfAddFiles?: number;
  /** For a UUID-named V2 checkpoint: its file name (the reader does not need the other members). */
  v2Checkpoint?: { path: string };
}

/**
 * Reads `_last_checkpoint`. It is only a hint, so anything unusable (missing, empty, not JSON, no
 * integer version, a `checksum` that does not match) yields null and the caller falls back to
 * listing the log.
 */
export async function readLastCheckpoint(tableDir: string): Promise<LastCheckpoint | null> {
  try {
    const json = parseLosslessJson(await readFile(join(logDir(tableDir), LAST_CHECKPOINT_FILE), "utf8"));
    if (typeof json !== "object" || json === null || Array.isArray(json) || typeof json === "bigint") return null;
    const version = json["version"];
    if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) return null;
    // A checksum that does not match means a torn or hand-edited hint: list instead.
    if (typeof json["checksum"] === "string" && json["checksum"] !== lastCheckpointChecksum(json)) return null;
    return json as unknown as LastCheckpoint;
  } catch {
    return null;
  }
}
