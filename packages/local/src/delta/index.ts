/**
 * The Delta Lake storage layer of the local service: creating tables, log replay, group-committed
 * appends with checkpoints, and reading tables back. This is the surface the service uses.
 */
export { commitVersion } from "./commit-version.js";
export { computeStats, type StatsOptions } from "./compute-stats.js";
export { createDeltaTable, type CreateDeltaTableOptions } from "./create-delta-table.js";
export type {
  AddAction,
  CommitInfoAction,
  DeltaAction,
  DomainMetadataAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from "./delta-actions.js";
export { DeltaError, RowValidationError, UnsupportedFeatureError, VersionConflictError, type DeltaErrorCode } from "./delta-error.js";
export { DeltaTableWriter, type AppendResult, type AppendTxn } from "./delta-table-writer.js";
export {
  DEFAULT_DELTA_TABLE_WRITER_OPTIONS,
  resolveDeltaTableWriterOptions,
  type DeltaTableWriterOptions,
} from "./delta-table-writer-options.js";
export { ENGINE_INFO } from "./engine-info.js";
export { lintDeltaTable, type LintIssue } from "./lint-delta-table.js";
export { loadSnapshot, type LoadSnapshotOptions } from "./load-snapshot.js";
export { createParquetEncoder, parseParquetCodec, type ParquetCodec, type ParquetEncoder, type ParquetEncoderOptions } from "./parquet-encoder.js";
export { readTable, type ReadTableOptions, type TableContents } from "./read-table.js";
export { countTableRows, type TableRowCount } from "./count-table-rows.js";
export { rowToJson, valueToJson, type RowJsonValue } from "./row-json.js";
export type { Snapshot } from "./snapshot.js";
export { assertReadable, assertWritable } from "./table-features.js";
export { validateRows } from "./validate-rows.js";
export { writeCheckpoint } from "./write-checkpoint.js";
export { columnBatchBytes, type ColumnBatch } from "./write-column-data-file.js";
export { MAX_PARTITIONS_PER_BATCH, PartitionLimitError, splitByPartition } from "./partition-column-batch.js";
export { prewarmColumnFileEncoder } from "./encode-column-file.js";
export { toArrowType } from "./arrow-builders.js";
