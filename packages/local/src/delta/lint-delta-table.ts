import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { DeltaField } from "../schema/delta-type.js";
import { parseActionRecord, toDeltaAction } from "./action-json.js";
import { columnMappingMode, physicalName, toPhysicalFields } from "./column-mapping.js";
import { resolveDataPath } from "./data-paths.js";
import type { AddAction } from "./delta-actions.js";
import { lastCheckpointChecksum } from "./last-checkpoint-checksum.js";
import { actionProblems } from "./lint-actions.js";
import { LAST_CHECKPOINT_FILE, SIDECAR_DIR, logDir, padVersion, parseLogFileName } from "./log-files.js";
import { listLog, type CheckpointFiles } from "./log-listing.js";
import { LogReplay } from "./log-replay.js";
import { parseLosslessJson, type LosslessJsonValue } from "./lossless-json.js";
import { decodeParquet } from "./parquet-decoder.js";
import { readCheckpointActions } from "./read-checkpoint.js";
import type { Snapshot } from "./snapshot.js";

/** One problem {@link lintDeltaTable} found: the file it is in and what is wrong. */
export interface LintIssue {
  /** Path relative to the table directory, e.g. `_delta_log/00000000000000000003.json`. */
  file: string;
  problem: string;
}

// Characters RFC 2396 allows unescaped in a path (unreserved, path punctuation, '/'); anything else
// must be a %XX escape.
const URI_PATH = /^(?:[A-Za-z0-9\-_.!~*'()/:@&=+$,;]|%[0-9A-Fa-f]{2})*$/;
const CHECKPOINT_COLUMNS = new Set(["txn", "add", "remove", "metaData", "protocol", "domainMetadata", "checkpointMetadata", "sidecar"]);

/**
 * Checks a Delta table's structure (DELTA.md §3.1) and returns every problem found (none: `[]`):
 * - log file names have 20-digit versions; no temp files are left behind; commits are contiguous;
 * - every commit line is one action of a known kind with the protocol's member types; a commit has
 *   at most one metaData, one protocol, one txn per appId and one add per file; version 0 has
 *   protocol and metaData;
 * - `add.path` is a relative, URI-encoded path; `partitionValues` has exactly the partition
 *   columns; `stats` is JSON with `numRecords`, and its keys are data columns of the schema
 *   (physical names under column mapping);
 * - every live data file exists with exactly its `size` bytes, holds `numRecords` rows, and its
 *   columns are schema columns other than the partition columns;
 * - every checkpoint holds one action per row, no commitInfo, and the same state as the commits up
 *   to its version; `_last_checkpoint` names an existing checkpoint with the right size and counts.
 *
 * It reads every commit, checkpoint and live data file, so it is meant for tests and tools, not for
 * the write path.
 *
 * @throws DeltaError (TABLE_NOT_FOUND) when `dir` has no `_delta_log`.
 */
export async function lintDeltaTable(dir: string): Promise<LintIssue[]> {
  const issues: LintIssue[] = [];
  const report = (file: string, problem: string) => issues.push({ file, problem });
  const listing = await listLog(dir);
  checkLogNames(await readdir(logDir(dir)), report);
  const commits = listing.commits;
  commits.forEach((version, i) => {
    if (i > 0 && version !== commits[i - 1]! + 1) report(`_delta_log/${padVersion(version)}.json`, `version ${commits[i - 1]! + 1} is missing before it`);
  });
  if (commits.length > 0 && commits[0] !== 0 && !listing.checkpoints.some((c) => c.version >= commits[0]! - 1)) {
    report("_delta_log", `the commits start at version ${commits[0]} and no checkpoint covers the versions before`);
  }
  const replay = new LogReplay(dir);
  let snapshot: Snapshot | null | undefined; // null once replay failed
  for (const version of commits) {
    const file = `_delta_log/${padVersion(version)}.json`;
    const text = await readFile(join(dir, file), "utf8");
    const counts = new Map<string, number>();
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const where = `${file}:${i + 1}`;
      let record;
      try {
        record = parseActionRecord(lines[i]!, file);
      } catch (error) {
        report(where, (error as Error).message);
        continue;
      }
      if (record === null) continue;
      for (const problem of actionProblems(record)) report(where, problem);
      const action = toDeltaAction(record);
      if (action === null) continue;
      const key = actionKey(action as unknown as Record<string, Record<string, unknown>>);
      if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
      replay.apply(action);
    }
    for (const [key, count] of counts) if (count > 1) report(file, `${count} actions of ${key} in one commit`);
    if (version === 0 && (!counts.has("protocol") || !counts.has("metaData"))) report(file, "version 0 must hold protocol and metaData");
    try {
      snapshot = replay.toSnapshot(dir, version, null);
    } catch (error) {
      // Without a table state the later checks cannot run; the structure of later commits still can.
      if (snapshot !== null) report(file, (error as Error).message);
      snapshot = null;
      continue;
    }
    checkAdds(snapshot, text, file, report);
    for (const checkpoint of listing.checkpoints.filter((c) => c.version === version)) await checkCheckpoint(dir, checkpoint, snapshot, report);
  }
  if (snapshot) await checkDataFiles(snapshot, report);
  await checkLastCheckpoint(dir, listing.checkpoints, report);
  return issues;
}

function checkLogNames(names: readonly string[], report: (file: string, problem: string) => void): void {
  for (const name of names) {
    if (name.startsWith(".tmp-")) report(`_delta_log/${name}`, "a temp file was left behind");
    else if (/^\d+\.(json|checkpoint\b.*|crc)$/.test(name) && !/^\d{20}\./.test(name)) report(`_delta_log/${name}`, "the version in the name is not 20 digits");
    else if (/^\d/.test(name) && parseLogFileName(name) === null && !/^\d{20}\.(crc|\d{20}\.compacted\.json)$/.test(name)) {
      report(`_delta_log/${name}`, "not a log file name the protocol defines");
    }
  }
}

// Actions that may appear at most once per commit, by identity; null for the others.
function actionKey(action: Record<string, Record<string, unknown>>): string | null {
  if ("metaData" in action) return "metaData";
  if ("protocol" in action) return "protocol";
  if ("txn" in action) return `txn ${String(action["txn"]!["appId"])}`;
  if ("add" in action) return `add ${String(action["add"]!["path"])}`;
  if ("remove" in action) return `remove ${String(action["remove"]!["path"])}`;
  return null;
}

// Checks the adds of one commit against the table state after it.
function checkAdds(snapshot: Snapshot, text: string, file: string, report: (file: string, problem: string) => void): void {
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  const byName = new Map(snapshot.fields.map((field) => [field.name, field]));
  const partitions = snapshot.partitionColumns.map((column) => (byName.has(column) ? physicalName(byName.get(column)!, mode) : column));
  const dataFields = toPhysicalFields(snapshot.fields.filter((field) => !snapshot.partitionColumns.includes(field.name)), mode);
  for (const line of text.split("\n")) {
    const add = addOf(line);
    if (add === null) continue;
    const where = `${file} add ${add.path}`;
    if (/^[A-Za-z][A-Za-z0-9+.-]*:|^\//.test(add.path)) report(where, "the path is not relative");
    if (!URI_PATH.test(add.path)) report(where, "the path is not URI-encoded");
    const keys = Object.keys(add.partitionValues ?? {}).sort();
    if (JSON.stringify(keys) !== JSON.stringify([...partitions].sort())) report(where, `partitionValues keys ${keys.join(",") || "(none)"} are not the partition columns ${partitions.join(",") || "(none)"}`);
    if (typeof add.stats === "string") checkStats(add.stats, dataFields, (problem) => report(where, problem));
  }
}

function addOf(line: string): AddAction | null {
  try {
    const record = parseActionRecord(line, "");
    const action = record === null ? null : toDeltaAction(record);
    return action !== null && "add" in action ? action.add : null;
  } catch {
    return null; // already reported
  }
}

function checkStats(text: string, fields: readonly DeltaField[], report: (problem: string) => void): void {
  let stats: LosslessJsonValue;
  try {
    stats = parseLosslessJson(text);
  } catch {
    return report("stats is not JSON");
  }
  if (!isObject(stats)) return report("stats is not a JSON object");
  const records = stats["numRecords"];
  if (!(typeof records === "bigint" || (typeof records === "number" && Number.isInteger(records) && records >= 0))) report("stats.numRecords is missing or not a count");
  for (const key of ["minValues", "maxValues", "nullCount"]) {
    const member = stats[key];
    if (member !== undefined) checkStatsKeys(member, fields, `stats.${key}`, report);
  }
}

function checkStatsKeys(value: LosslessJsonValue, fields: readonly DeltaField[], path: string, report: (problem: string) => void): void {
  if (!isObject(value)) return report(`${path} is not an object`);
  for (const [key, member] of Object.entries(value)) {
    const field = fields.find((f) => f.name === key);
    if (field === undefined) report(`${path}.${key} is not a data column of the schema`);
    else if (field.type.kind === "struct" && isObject(member)) checkStatsKeys(member, field.type.fields, `${path}.${key}`, report);
  }
}

async function checkDataFiles(snapshot: Snapshot, report: (file: string, problem: string) => void): Promise<void> {
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  const byName = new Map(snapshot.fields.map((field) => [field.name, field]));
  const partitions = new Set(snapshot.partitionColumns.map((column) => (byName.has(column) ? physicalName(byName.get(column)!, mode) : column)));
  const dataColumns = new Set(toPhysicalFields(snapshot.fields, mode).map((field) => field.name).filter((name) => !partitions.has(name)));
  for (const add of snapshot.files) {
    const where = `data file ${add.path}`;
    let bytes: Uint8Array;
    try {
      const path = resolveDataPath(snapshot.tableDir, add.path);
      if ((await stat(path)).size !== add.size) report(where, `its size is ${(await stat(path)).size} bytes, the log says ${add.size}`);
      bytes = await readFile(path);
    } catch (error) {
      report(where, `cannot be read: ${(error as Error).message}`);
      continue;
    }
    let decoded;
    try {
      decoded = decodeParquet(bytes);
    } catch (error) {
      report(where, `is not readable Parquet: ${(error as Error).message}`);
      continue;
    }
    for (const field of decoded.fields) {
      if (partitions.has(field.name)) report(where, `stores the partition column ${field.name}`);
      else if (!dataColumns.has(field.name)) report(where, `stores ${field.name}, which is not a column of the table`);
    }
    const stats = typeof add.stats === "string" ? (parseLosslessJson(add.stats) as { numRecords?: number }) : undefined;
    if (stats?.numRecords !== undefined && Number(stats.numRecords) !== decoded.numRows) {
      report(where, `holds ${decoded.numRows} rows, stats.numRecords says ${stats.numRecords}`);
    }
  }
}

async function checkCheckpoint(dir: string, checkpoint: CheckpointFiles, expected: Snapshot, report: (file: string, problem: string) => void): Promise<void> {
  for (const name of checkpoint.names.filter((n) => n.endsWith(".parquet"))) {
    const decoded = decodeParquet(await readFile(join(logDir(dir), name)));
    const file = `_delta_log/${name}`;
    // Old Spark checkpoints carry always-null columns (cdc, commitInfo); only values count.
    for (const [column, values] of decoded.columns) {
      if (!CHECKPOINT_COLUMNS.has(column) && values.some((value) => value != null)) report(file, `holds ${column} actions, which a checkpoint must not hold`);
    }
    for (let i = 0; i < decoded.numRows; i++) {
      const actions = [...decoded.columns.values()].filter((values) => values[i] != null).length;
      if (actions !== 1) report(file, `row ${i} holds ${actions} actions instead of one`);
    }
  }
  const replay = new LogReplay(dir);
  try {
    for (const action of await readCheckpointActions(dir, checkpoint)) replay.apply(action);
    const state = replay.toSnapshot(dir, checkpoint.version, checkpoint.version);
    const files = (s: Snapshot) => JSON.stringify(s.files.map((add) => add.path).sort());
    const txns = (s: Snapshot) => JSON.stringify([...s.txns].map(([id, v]) => `${id}=${v}`).sort());
    if (files(state) !== files(expected)) report(`_delta_log/${checkpoint.names[0]}`, "its live files differ from those of the commits");
    if (txns(state) !== txns(expected)) report(`_delta_log/${checkpoint.names[0]}`, "its txns differ from those of the commits");
    if (state.metadata.id !== expected.metadata.id || state.metadata.schemaString !== expected.metadata.schemaString) {
      report(`_delta_log/${checkpoint.names[0]}`, "its metaData differs from that of the commits");
    }
  } catch (error) {
    report(`_delta_log/${checkpoint.names[0]}`, `cannot be replayed: ${(error as Error).message}`);
  }
}

async function checkLastCheckpoint(dir: string, checkpoints: readonly CheckpointFiles[], report: (file: string, problem: string) => void): Promise<void> {
  const file = `_delta_log/${LAST_CHECKPOINT_FILE}`;
  let hint: LosslessJsonValue;
  try {
    hint = parseLosslessJson(await readFile(join(dir, file), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") report(file, `is not JSON: ${(error as Error).message}`);
    return;
  }
  if (!isObject(hint)) return report(file, "is not a JSON object");
  if (typeof hint["checksum"] === "string" && hint["checksum"] !== lastCheckpointChecksum(hint)) report(file, "its checksum does not match its contents");
  const v2 = hint["v2Checkpoint"];
  const checkpoint = checkpoints.find(
    (c) => c.version === Number(hint["version"]) && (isObject(v2) ? c.names[0] === v2["path"] : c.names.length === Number(hint["parts"] ?? 1)),
  );
  if (checkpoint === undefined) return report(file, `names version ${String(hint["version"])}, which has no complete checkpoint`);
  const { rows, adds, bytes } = await checkpointCounts(dir, checkpoint);
  if (Number(hint["size"]) !== rows) report(file, `size ${String(hint["size"])} is not the checkpoint's ${rows} rows`);
  if (hint["sizeInBytes"] !== undefined && Number(hint["sizeInBytes"]) !== bytes) report(file, `sizeInBytes ${String(hint["sizeInBytes"])} is not the checkpoint's ${bytes}`);
  if (hint["numOfAddFiles"] !== undefined && Number(hint["numOfAddFiles"]) !== adds) report(file, `numOfAddFiles ${String(hint["numOfAddFiles"])} is not the checkpoint's ${adds}`);
}

// Actions, add actions and bytes of a checkpoint, its sidecars included (as _last_checkpoint counts them).
async function checkpointCounts(dir: string, checkpoint: CheckpointFiles): Promise<{ rows: number; adds: number; bytes: number }> {
  const counts = { rows: 0, adds: 0, bytes: 0 };
  const sidecars: string[] = [];
  const count = async (path: string, sidecar: boolean) => {
    const bytes = await readFile(path);
    counts.bytes += bytes.length;
    if (path.endsWith(".json")) {
      for (const line of bytes.toString("utf8").split("\n")) {
        const record = parseActionRecord(line, path);
        if (record === null) continue;
        counts.rows++;
        if (record["add"] != null) counts.adds++;
        if (isObject(record["sidecar"])) sidecars.push(String(record["sidecar"]["path"]));
      }
      return;
    }
    const decoded = decodeParquet(bytes);
    counts.rows += decoded.numRows;
    counts.adds += (decoded.columns.get("add") ?? []).filter((value) => value != null).length;
    if (!sidecar) for (const value of decoded.columns.get("sidecar") ?? []) if (value != null) sidecars.push(String((value as { path: unknown }).path));
  };
  for (const name of checkpoint.names) await count(join(logDir(dir), name), false);
  for (const sidecar of sidecars) await count(join(logDir(dir), SIDECAR_DIR, decodeURIComponent(sidecar)), true);
  return counts;
}

function isObject(value: LosslessJsonValue | undefined): value is { [key: string]: LosslessJsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value !== "bigint";
}
