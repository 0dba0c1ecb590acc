import type { Row } from "../schema/delta-type.js";
import { columnMappingMode, physicalName, toPhysicalFields, toPhysicalRow } from "./column-mapping.js";
import { commitVersion } from "./commit-version.js";
import type { StatsOptions } from "./compute-stats.js";
import { appendCommit, type AppendCommit } from "./commit-actions.js";
import { DeltaError, VersionConflictError } from "./delta-error.js";
import { loadSnapshot } from "./load-snapshot.js";
import type { ParquetEncoder } from "./parquet-encoder.js";
import type { Snapshot } from "./snapshot.js";
import { assertWritable } from "./table-features.js";
import { writeColumnDataFiles, type ColumnBatch } from "./write-column-data-file.js";
import { rowSlices, type RowSegment } from "./column-chunk.js";
import type { AddAction } from "./delta-actions.js";
import { deleteDataFiles, writeDataFiles, type DataFileTarget } from "./write-data-files.js";

/** How many versions a commit may lose to other writers before giving up. */
export const MAX_COMMIT_ATTEMPTS = 100;

/** One group of appends to commit together. */
export interface CommitBatchInput {
  /** The rows, in order: arrays of rows and chunks of columns. */
  segments: readonly RowSegment[];
  /** Appends that arrived as Arrow columns (written to files of their own, one per partition); none when absent. */
  columnBatches?: readonly ColumnBatch[];
  /** Every row of the batch: the segments' and the column batches'. */
  rowCount: number;
  /** Highest version per appId among the batch's appends. */
  txns: ReadonlyMap<string, bigint>;
}

/** The outcome of {@link commitBatch}. */
export interface CommitBatchResult {
  /** The version the batch was committed as. */
  version: number;
  /** The table state after the commit (re-read from the log if other writers committed meanwhile). */
  snapshot: Snapshot;
}

/**
 * Writes a batch's data files, then commits them with its `txn`s as the next table version. When
 * another writer took that version, the log is re-read; if that writer changed the table's identity,
 * schema, partitioning or made the protocol unwritable, the batch fails, otherwise it retries at the
 * next version (blind appends never conflict logically). On any failure the data files are removed,
 * so nothing of the batch becomes visible.
 */
export async function commitBatch(
  snapshot: Snapshot,
  batch: CommitBatchInput,
  encoder: ParquetEncoder,
  statsOptions: StatsOptions,
): Promise<CommitBatchResult> {
  const adds = await writeDataFilesInSlices(snapshot, batch.segments, encoder, statsOptions);
  const columnBatches = batch.columnBatches ?? [];
  try {
    if (columnBatches.length > 0) adds.push(...(await writeColumnDataFiles(physicalTarget(snapshot), columnBatches, encoder, statsOptions)));
    let current = snapshot;
    for (let attempt = 1; ; attempt++) {
      const version = current.version + 1;
      // Rebuilt per attempt: row IDs and in-commit timestamps depend on the state committed before.
      const commit = appendCommit(current, version, batch.txns, adds, batch.rowCount);
      try {
        await commitVersion(current.tableDir, version, commit.actions);
        return { version, snapshot: appliedSnapshot(current, version, batch, commit) };
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      }
      current = await reloadAfterConflict(current);
    }
  } catch (error) {
    await deleteDataFiles(snapshot.tableDir, adds);
    throw error;
  }
}

/**
 * Rows per data file. Encoding a file is synchronous (Arrow columns, Parquet in WebAssembly, stats):
 * a flush of millions of rows is written as several files, with an event-loop turn between them, so
 * acks, other streams and `/health` are not held up for seconds.
 */
export const MAX_ROWS_PER_FILE = 131_072;

async function writeDataFilesInSlices(snapshot: Snapshot, segments: readonly RowSegment[], encoder: ParquetEncoder, statsOptions: StatsOptions): Promise<AddAction[]> {
  const target = physicalTarget(snapshot);
  const adds: AddAction[] = [];
  try {
    let first = true;
    for (const rows of rowSlices(segments, MAX_ROWS_PER_FILE)) {
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      first = false;
      adds.push(...(await writeDataFiles(target, physicalRows(snapshot, rows), encoder, statsOptions)));
    }
  } catch (error) {
    await deleteDataFiles(target.tableDir, adds);
    throw error;
  }
  return adds;
}

// With column mapping, data files, partition values and statistics use physical names (and files
// carry the column ids as Parquet field ids); without it, these are the logical names.
function physicalTarget(snapshot: Snapshot): DataFileTarget {
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  if (mode === "none") return snapshot;
  const byName = new Map(snapshot.fields.map((field) => [field.name, field]));
  return {
    tableDir: snapshot.tableDir,
    fields: toPhysicalFields(snapshot.fields, mode),
    partitionColumns: snapshot.partitionColumns.map((column) => physicalName(byName.get(column)!, mode)),
  };
}

function physicalRows(snapshot: Snapshot, rows: readonly Row[]): readonly Row[] {
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  return mode === "none" ? rows : rows.map((row) => toPhysicalRow(snapshot.fields, row, mode));
}

// The state after our own commit, without re-reading the log.
function appliedSnapshot(previous: Snapshot, version: number, batch: CommitBatchInput, commit: AppendCommit): Snapshot {
  const txns = new Map(previous.txns);
  for (const [appId, txnVersion] of batch.txns) txns.set(appId, txnVersion);
  const domains = new Map(previous.domains);
  if (commit.rowTracking !== null) domains.set(commit.rowTracking.domain, commit.rowTracking);
  return { ...previous, version, files: [...previous.files, ...commit.adds], txns, domains, inCommitTimestamp: commit.inCommitTimestamp };
}

async function reloadAfterConflict(previous: Snapshot): Promise<Snapshot> {
  const latest = await loadSnapshot(previous.tableDir);
  const before = previous.metadata;
  const after = latest.metadata;
  const changed =
    after.id !== before.id ? "the table was replaced" :
    after.schemaString !== before.schemaString ? "the schema changed" :
    JSON.stringify(after.partitionColumns) !== JSON.stringify(before.partitionColumns) ? "the partitioning changed" :
    null;
  if (changed !== null) {
    throw new DeltaError("INCOMPATIBLE_CHANGE", `Another writer changed ${previous.tableDir} (${changed}); the batch was not committed`);
  }
  assertWritable(latest.protocol, latest.metadata, latest.fields);
  return latest;
}
