import { randomUUID } from "node:crypto";
import { mkdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DeltaField, Row } from "../schema/delta-type.js";
import { computeStats, type StatsOptions } from "./compute-stats.js";
import { encodeDataPath, resolveDataPath } from "./data-paths.js";
import type { AddAction } from "./delta-actions.js";
import { syncDirectory, writeNewFileDurably } from "./durable-fs.js";
import type { ParquetEncoder } from "./parquet-encoder.js";
import { partitionDirectory, rowPartitionValues } from "./partition-values.js";

/** What {@link writeDataFiles} needs to know about the table. */
export interface DataFileTarget {
  tableDir: string;
  fields: readonly DeltaField[];
  partitionColumns: readonly string[];
}

/**
 * Writes `rows` as Parquet data files, one per partition (one in all for an unpartitioned table), and
 * returns their `add` actions. Partition columns are left out of the files and recorded in
 * `partitionValues`; files go under Hive-style directories. Each file (and any directory created for
 * it) is fsync'd before this returns, so a commit referencing them is durable. When anything fails,
 * the files already written are removed and the error is rethrown.
 */
export async function writeDataFiles(
  target: DataFileTarget,
  rows: readonly Row[],
  encoder: ParquetEncoder,
  statsOptions: StatsOptions = {},
): Promise<AddAction[]> {
  if (rows.length === 0) return []; // a flush of only empty appends commits its txns alone
  const dataFields = target.fields.filter((field) => !target.partitionColumns.includes(field.name));
  const adds: AddAction[] = [];
  try {
    for (const group of groupByPartition(target, rows)) {
      adds.push(await writeOneFile(target, dataFields, group.partitionValues, group.rows, encoder, statsOptions));
    }
  } catch (error) {
    await deleteDataFiles(target.tableDir, adds);
    throw error;
  }
  return adds;
}

/** Best-effort removal of data files that will not be committed. */
export async function deleteDataFiles(tableDir: string, adds: readonly AddAction[]): Promise<void> {
  await Promise.all(adds.map((add) => unlink(resolveDataPath(tableDir, add.path)).catch(() => {})));
}

interface PartitionGroup {
  partitionValues: Record<string, string | null>;
  rows: Row[];
}

function groupByPartition(target: DataFileTarget, rows: readonly Row[]): PartitionGroup[] {
  if (target.partitionColumns.length === 0) return [{ partitionValues: {}, rows: [...rows] }];
  const groups = new Map<string, PartitionGroup>();
  for (const row of rows) {
    const partitionValues = rowPartitionValues(target.fields, target.partitionColumns, row);
    const key = JSON.stringify(target.partitionColumns.map((column) => partitionValues[column]));
    let group = groups.get(key);
    if (group === undefined) {
      group = { partitionValues, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}

async function writeOneFile(
  target: DataFileTarget,
  dataFields: readonly DeltaField[],
  partitionValues: Record<string, string | null>,
  rows: readonly Row[],
  encoder: ParquetEncoder,
  statsOptions: StatsOptions,
): Promise<AddAction> {
  const bytes = encoder.encode(dataFields, rows);
  const stats = computeStats(dataFields, rows, statsOptions);
  return writeDataFile(target, partitionValues, bytes, encoder.codecSuffix, stats);
}

/**
 * Writes one encoded Parquet file under its partition directory, fsyncs it (and any directory made for
 * it), and returns its `add` action.
 */
export async function writeDataFile(
  target: DataFileTarget,
  partitionValues: Record<string, string | null>,
  bytes: Uint8Array,
  codecSuffix: string,
  stats: string,
): Promise<AddAction> {
  const directory = partitionDirectory(target.partitionColumns, partitionValues);
  const suffix = codecSuffix === "" ? "" : `.${codecSuffix}`;
  const name = `part-00000-${randomUUID()}-c000${suffix}.parquet`;
  const relative = directory === "" ? name : `${directory}/${name}`;
  const path = join(target.tableDir, ...relative.split("/"));
  if (directory !== "") await makeDirectoryDurably(target.tableDir, dirname(path));
  await writeNewFileDurably(path, bytes);
  await syncDirectory(dirname(path));
  return {
    path: encodeDataPath(relative),
    partitionValues,
    size: bytes.length,
    modificationTime: Date.now(),
    dataChange: true,
    stats,
  };
}

// Creates a partition directory and fsyncs every directory whose entries changed, so the new path
// survives a crash along with the file in it.
async function makeDirectoryDurably(tableDir: string, dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  let current = dir;
  while (current.length >= first.length && current !== tableDir) {
    await syncDirectory(dirname(current));
    current = dirname(current);
  }
}
