/**
 * Writes appends that arrived as Arrow columns (Arrow Flight) as one Parquet data file: the columns go
 * to the Parquet encoder as they are — no row objects — and the file's statistics are computed from the
 * same typed arrays, here while the encoding worker (`encodeColumnFile`) writes the file.
 */
import type * as arrow from "apache-arrow";
import type { AddAction } from "./delta-actions.js";
import type { StatsOptions } from "./compute-stats.js";
import { computeColumnStats } from "./column-stats.js";
import { encodeColumnFile } from "./encode-column-file.js";
import { DeltaError } from "./delta-error.js";
import type { ParquetEncoder } from "./parquet-encoder.js";
import { writeDataFile, type DataFileTarget } from "./write-data-files.js";

/**
 * One append of columns: `columns[i]` holds the values of the table's i-th column, typed as
 * `toArrowType(field.type)` gives it, each of `numRows` values, already validated against the column.
 */
export interface ColumnBatch {
  numRows: number;
  columns: readonly arrow.Data[];
}

/** The bytes a batch holds in memory (its buffers), for flush thresholds and memory limits. */
export function columnBatchBytes(batch: ColumnBatch): number {
  let total = 0;
  for (const data of batch.columns) {
    total += data.values?.byteLength ?? 0;
    total += data.valueOffsets?.byteLength ?? 0;
    total += data.nullBitmap?.byteLength ?? 0;
  }
  return total;
}

/**
 * Writes `batches` as one data file of the unpartitioned table `target` (physical column names) and
 * returns its `add` action; the file is fsync'd before this returns.
 */
export async function writeColumnDataFile(
  target: DataFileTarget,
  batches: readonly ColumnBatch[],
  encoder: ParquetEncoder,
  statsOptions: StatsOptions,
): Promise<AddAction> {
  if (target.partitionColumns.length > 0) {
    throw new DeltaError("UNSUPPORTED_FEATURE", "Appending Arrow columns to a partitioned table is not supported");
  }
  const encoded = encodeColumnFile(target.fields, batches, encoder.codec);
  // Statistics are computed here while the worker encodes: the two take about the same time.
  const numRecords = batches.reduce((sum, batch) => sum + batch.numRows, 0);
  let stats: string;
  try {
    stats = computeColumnStats(target.fields, target.fields.map((_, i) => batches.map((batch) => batch.columns[i]!)), numRecords, statsOptions);
  } catch (error) {
    encoded.catch(() => {});
    throw error;
  }
  return writeDataFile(target, {}, await encoded, encoder.codecSuffix, stats);
}
