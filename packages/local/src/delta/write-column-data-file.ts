/**
 * Writes appends that arrived as Arrow columns (Arrow Flight) as Parquet data files, one per partition
 * (one in all for an unpartitioned table): the columns go to the Parquet encoder as they are — no row
 * objects — and each file's statistics are computed from the same typed arrays, here while the encoding
 * worker (`encodeColumnFile`) writes the file.
 */
import type * as arrow from "apache-arrow";
import type { AddAction } from "./delta-actions.js";
import type { StatsOptions } from "./compute-stats.js";
import { computeColumnStats } from "./column-stats.js";
import { encodeColumnFile } from "./encode-column-file.js";
import { DeltaError } from "./delta-error.js";
import type { ParquetEncoder } from "./parquet-encoder.js";
import { deleteDataFiles, writeDataFile, type DataFileTarget } from "./write-data-files.js";
import type { DeltaField } from "../schema/delta-type.js";

/**
 * One append of columns: `columns[i]` holds the values of the table's i-th column, typed as
 * `toArrowType(field.type)` gives it, each of `numRows` values, already validated against the column.
 */
export interface ColumnBatch {
  numRows: number;
  columns: readonly arrow.Data[];
  /**
   * For a partitioned table, the batch's partition values (`partitionValueText`, in the order of the
   * table's partition columns); `columns` then holds only the other columns (`splitByPartition`).
   */
  partitionValues?: ReadonlyArray<string | null>;
}

/**
 * Whether `batch` is shaped for a table with `partitionColumns` partition columns: split by partition
 * (one value per partition column) for a partitioned table, without partition values otherwise.
 */
export function fitsPartitioning(batch: ColumnBatch, partitionColumns: number): boolean {
  return partitionColumns === 0 ? batch.partitionValues === undefined : batch.partitionValues?.length === partitionColumns;
}

/** The bytes a batch holds in memory (its buffers), for flush thresholds and memory limits. */
export function columnBatchBytes(batch: ColumnBatch): number {
  let total = 0;
  for (const data of batch.columns) total += dataBytes(data);
  return total;
}

function dataBytes(data: arrow.Data): number {
  let total = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  for (const child of data.children) total += dataBytes(child);
  return total;
}

/**
 * Writes `batches` as data files of `target` (physical column names), one per partition (batches of
 * equal `partitionValues`, one after another), and returns their `add` actions; each file is fsync'd
 * before this returns. When anything fails, the files already written are removed.
 */
export async function writeColumnDataFiles(
  target: DataFileTarget,
  batches: readonly ColumnBatch[],
  encoder: ParquetEncoder,
  statsOptions: StatsOptions,
): Promise<AddAction[]> {
  const partitioned = target.partitionColumns.length > 0;
  const dataFields = partitioned ? target.fields.filter((field) => !target.partitionColumns.includes(field.name)) : target.fields;
  const groups = new Map<string, ColumnBatch[]>();
  for (const batch of batches) {
    if (!fitsPartitioning(batch, target.partitionColumns.length)) {
      throw new DeltaError("UNSUPPORTED_FEATURE", "Arrow columns for a partitioned table must be split by partition (splitByPartition) first");
    }
    const key = JSON.stringify(batch.partitionValues ?? []);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [batch]);
    else group.push(batch);
  }
  const adds: AddAction[] = [];
  try {
    for (const group of groups.values()) {
      const partitionValues: Record<string, string | null> = {};
      target.partitionColumns.forEach((column, i) => (partitionValues[column] = group[0]!.partitionValues![i]!));
      adds.push(await writeOneColumnFile(target, dataFields, partitionValues, group, encoder, statsOptions));
    }
  } catch (error) {
    await deleteDataFiles(target.tableDir, adds);
    throw error;
  }
  return adds;
}

async function writeOneColumnFile(
  target: DataFileTarget,
  fields: readonly DeltaField[],
  partitionValues: Record<string, string | null>,
  batches: readonly ColumnBatch[],
  encoder: ParquetEncoder,
  statsOptions: StatsOptions,
): Promise<AddAction> {
  const encoded = encodeColumnFile(fields, batches, encoder.codec);
  // Statistics are computed here while the worker encodes: the two take about the same time.
  const numRecords = batches.reduce((sum, batch) => sum + batch.numRows, 0);
  let stats: string;
  try {
    stats = computeColumnStats(fields, fields.map((_, i) => batches.map((batch) => batch.columns[i]!)), numRecords, statsOptions);
  } catch (error) {
    encoded.catch(() => {});
    throw error;
  }
  return writeDataFile(target, partitionValues, await encoded, encoder.codecSuffix, stats);
}
