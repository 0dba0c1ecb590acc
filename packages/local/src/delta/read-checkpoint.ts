import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Row } from "../schema/delta-type.js";
import { parseActionRecord, toDeltaAction } from "./action-json.js";
import { checkpointRowToAction } from "./checkpoint-rows.js";
import { resolveDataPath } from "./data-paths.js";
import type { DeltaAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import type { CheckpointFiles } from "./log-listing.js";
import { SIDECAR_DIR, logDir } from "./log-files.js";
import { decodeParquet } from "./parquet-decoder.js";

/**
 * The actions of a checkpoint of any kind, in file order: a classic or multi-part Parquet checkpoint
 * (V1: one action per row), or a V2 checkpoint (UUID-named JSON or Parquet, or classic-named with V2
 * content) whose file actions may live in sidecar files under `_delta_log/_sidecars/`. The V2-only
 * `checkpointMetadata` action is checked against the version and dropped; `commitInfo` rows, which a
 * checkpoint must not hold, are ignored.
 *
 * @throws DeltaError (LOG_INVALID) for a checkpoint or sidecar that cannot be read or claims another
 * version; file-system errors propagate as they are.
 */
export async function readCheckpointActions(tableDir: string, checkpoint: CheckpointFiles): Promise<DeltaAction[]> {
  const actions: DeltaAction[] = [];
  const sidecars: string[] = [];
  for (const name of checkpoint.names) {
    const bytes = await readFile(join(logDir(tableDir), name));
    for (const entry of name.endsWith(".json") ? jsonEntries(bytes, name) : parquetEntries(bytes, name)) {
      if (entry.checkpointVersion !== undefined && entry.checkpointVersion !== checkpoint.version) {
        throw new DeltaError("LOG_INVALID", `Checkpoint ${name} says it is of version ${entry.checkpointVersion}`);
      }
      if (entry.sidecar !== undefined) sidecars.push(entry.sidecar);
      if (entry.action !== undefined) actions.push(entry.action);
    }
  }
  for (const sidecar of sidecars) {
    for (const entry of parquetEntries(await readFile(sidecarPath(tableDir, sidecar)), sidecar)) {
      // Sidecars hold only file actions ("add and remove file entries").
      const action = entry.action;
      if (action !== undefined && ("add" in action || "remove" in action)) actions.push(action);
    }
  }
  return actions;
}

// What one checkpoint row (or JSON line) holds.
interface CheckpointEntry {
  action?: DeltaAction;
  sidecar?: string;
  checkpointVersion?: number;
}

// A sidecar path is normally a bare file name in _sidecars/; a relative or absolute URI is allowed.
function sidecarPath(tableDir: string, path: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) || path.startsWith("/")) return resolveDataPath(tableDir, path);
  return resolveDataPath(join(logDir(tableDir), SIDECAR_DIR), path);
}

function parquetEntries(bytes: Uint8Array, name: string): CheckpointEntry[] {
  let decoded;
  try {
    decoded = decodeParquet(bytes);
  } catch (cause) {
    throw new DeltaError("LOG_INVALID", `Checkpoint file ${name} is not readable Parquet`, { cause });
  }
  const columns = [...decoded.columns.entries()];
  const entries: CheckpointEntry[] = [];
  for (let i = 0; i < decoded.numRows; i++) {
    const row: Row = {};
    for (const [column, values] of columns) row[column] = values[i]!;
    entries.push(entryOf(row["sidecar"], row["checkpointMetadata"], checkpointRowToAction(row)));
  }
  return entries;
}

// JSON V2 checkpoints hold one action per line, like commits.
function jsonEntries(bytes: Uint8Array, name: string): CheckpointEntry[] {
  const entries: CheckpointEntry[] = [];
  for (const line of new TextDecoder().decode(bytes).split("\n")) {
    const record = parseActionRecord(line, name);
    if (record === null) continue;
    const action = toDeltaAction(record);
    entries.push(entryOf(record["sidecar"] as Row | undefined, record["checkpointMetadata"] as Row | undefined, action));
  }
  return entries;
}

function entryOf(sidecar: unknown, metadata: unknown, action: DeltaAction | null): CheckpointEntry {
  const entry: CheckpointEntry = {};
  if (isRecord(sidecar)) entry.sidecar = String(sidecar["path"]);
  if (isRecord(metadata)) entry.checkpointVersion = Number(metadata["version"]);
  // A checkpoint must not hold commitInfo; one that does is tolerated and the row ignored.
  if (action !== null && !("commitInfo" in action)) entry.action = action;
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
