import type { DeltaField, Row } from "../schema/delta-type.js";
import type { ColumnChunk, RowSegment } from "./column-chunk.js";
import { commitBatch } from "./commit-batch.js";
import type { StatsOptions } from "./compute-stats.js";
import { DeltaError } from "./delta-error.js";
import {
  effectiveCheckpointInterval,
  resolveDeltaTableWriterOptions,
  type DeltaTableWriterOptions,
} from "./delta-table-writer-options.js";
import { estimateRowsBytes } from "./estimate-row-bytes.js";
import { loadSnapshot } from "./load-snapshot.js";
import { createParquetEncoder, parseParquetCodec, type ParquetEncoder } from "./parquet-encoder.js";
import type { Snapshot } from "./snapshot.js";
import { assertWritable } from "./table-features.js";
import { validateRows } from "./validate-rows.js";
import { columnBatchBytes, fitsPartitioning, type ColumnBatch } from "./write-column-data-file.js";
import { writeCheckpoint } from "./write-checkpoint.js";

/** Identifies an append for exactly-once bookkeeping: the stream and its offset. */
export interface AppendTxn {
  /** The application (stream) id recorded in the commit's `txn` action. */
  appId: string;
  /** The application's version (offset) this append brings it to. */
  version: bigint;
}

/** What an append resolves to once durable. */
export interface AppendResult {
  /** The table version whose commit contains the rows. */
  version: number;
}

interface Waiter {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

// Appends queued for the next flush (group commit).
interface PendingBatch {
  segments: RowSegment[];
  columnBatches: ColumnBatch[];
  rowCount: number;
  bytes: number;
  txns: Map<string, bigint>;
  waiters: Waiter[];
}

/**
 * Appends rows to a Delta table with group commit: the appends of all callers are queued and written
 * together, one Parquet file (per partition) and one commit per flush, so many streams share each
 * fsync. A flush starts when the queued rows reach `maxRows`, their estimated size `maxBytes`, or
 * `maxDelayMs` after the first queued append; flushes run one at a time, and appends arriving during a
 * flush queue for the next one. Each `append` resolves only when the commit holding its rows is
 * durable; a failed flush rejects every append in it and commits nothing.
 */
export class DeltaTableWriter {
  private pending: PendingBatch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private flushWanted = false;
  private closed = false;
  private readonly encoder: ParquetEncoder;

  /** The last error of a background checkpoint, if any (checkpoints never fail appends). */
  lastCheckpointError: unknown = undefined;

  private constructor(
    private snapshot: Snapshot,
    private readonly options: Required<DeltaTableWriterOptions>,
  ) {
    this.encoder = createParquetEncoder({ codec: parseParquetCodec(snapshot.configuration["delta.parquet.compression.codec"]) });
  }

  /**
   * Opens a writer on the existing table at `dir`.
   *
   * @throws DeltaError TABLE_NOT_FOUND, LOG_INVALID, or UNSUPPORTED_FEATURE when the table's protocol
   * or metadata asks for something this writer cannot honour.
   * @throws RangeError for invalid options.
   */
  static async open(dir: string, options: DeltaTableWriterOptions = {}): Promise<DeltaTableWriter> {
    const resolved = resolveDeltaTableWriterOptions(options);
    const snapshot = await loadSnapshot(dir);
    assertWritable(snapshot.protocol, snapshot.metadata, snapshot.fields);
    return new DeltaTableWriter(snapshot, resolved);
  }

  /** The table version of the writer's latest known state. */
  get version(): number {
    return this.snapshot.version;
  }

  /** The table's partition columns (none for an unpartitioned table). */
  get partitionColumns(): readonly string[] {
    return this.snapshot.partitionColumns;
  }

  /** The table's columns. */
  get fields(): readonly DeltaField[] {
    return this.snapshot.fields;
  }

  /** The last committed version of an application (stream), as recorded by `txn` actions. */
  txnVersion(appId: string): bigint | undefined {
    return this.snapshot.txns.get(appId);
  }

  /**
   * Queues `rows` and resolves once the commit containing them is durable (data file fsync'd, commit
   * file linked, log directory fsync'd). Rows are validated first: one bad row rejects the whole call
   * with a RowValidationError and nothing of it is queued.
   *
   * With `validated`, the caller has already checked the rows (`validateRows`) and hands the array
   * over: it is neither checked again nor copied (a batch of millions of rows would cost both).
   *
   * @throws RowValidationError for a row that does not fit the schema.
   * @throws DeltaError (WRITER_CLOSED) after {@link DeltaTableWriter.close}.
   */
  append(rows: readonly Row[], txn: AppendTxn, options: { validated?: boolean } = {}): Promise<AppendResult> {
    try {
      if (this.closed) throw new DeltaError("WRITER_CLOSED", `The writer of ${this.snapshot.tableDir} is closed`);
      if (typeof txn?.appId !== "string" || txn.appId === "" || typeof txn.version !== "bigint") {
        throw new TypeError("append needs a txn with a non-empty string appId and a bigint version");
      }
      if (options.validated !== true) validateRows(this.snapshot.fields, rows);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(txn, rows.length, estimateRowsBytes(rows), (pending) => pending.segments.push(options.validated === true ? rows : [...rows]));
  }

  /**
   * Like {@link DeltaTableWriter.append} for rows already validated against the table's columns and
   * stored column by column (`toColumnChunk`): how the service queues big batches.
   *
   * @throws DeltaError (WRITER_CLOSED) after {@link DeltaTableWriter.close}.
   */
  appendColumns(chunks: readonly ColumnChunk[], txn: AppendTxn): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new DeltaError("WRITER_CLOSED", `The writer of ${this.snapshot.tableDir} is closed`));
    let rowCount = 0;
    let bytes = 0;
    for (const chunk of chunks) {
      rowCount += chunk.length;
      bytes += chunk.bytes;
    }
    return this.enqueue(txn, rowCount, bytes, (pending) => {
      for (const chunk of chunks) pending.segments.push(chunk);
    });
  }

  private enqueue(txn: AppendTxn, rowCount: number, bytes: number, add: (pending: PendingBatch) => void): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const batch = this.pendingBatch();
      add(batch);
      batch.rowCount += rowCount;
      batch.bytes += bytes;
      const previous = batch.txns.get(txn.appId);
      if (previous === undefined || txn.version > previous) batch.txns.set(txn.appId, txn.version);
      batch.waiters.push({ resolve, reject });
      if (batch.rowCount >= this.options.maxRows || batch.bytes >= this.options.maxBytes) this.requestFlush();
    });
  }

  /**
   * Queues batches of Arrow columns (Arrow Flight) and resolves once the commit containing them is
   * durable; they share commits with row appends. The columns must already be validated against the
   * table and typed as `toArrowType` gives each column (the caller converts what the client sent). For
   * a partitioned table, pass the pieces of `splitByPartition` (each with its `partitionValues`); each
   * flush writes one file per partition.
   *
   * @throws DeltaError WRITER_CLOSED after {@link DeltaTableWriter.close}; UNSUPPORTED_FEATURE when the
   * batches are not split by partition for a partitioned table (or are, for an unpartitioned one).
   */
  appendArrowColumns(batches: ColumnBatch | readonly ColumnBatch[], txn: AppendTxn): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new DeltaError("WRITER_CLOSED", `The writer of ${this.snapshot.tableDir} is closed`));
    const list: readonly ColumnBatch[] = Array.isArray(batches) ? batches : [batches as ColumnBatch];
    const partitions = this.snapshot.partitionColumns.length;
    if (!list.every((batch) => fitsPartitioning(batch, partitions))) {
      return Promise.reject(new DeltaError("UNSUPPORTED_FEATURE", `Arrow columns for ${this.snapshot.tableDir} must ${partitions > 0 ? "be split by partition (splitByPartition)" : "carry no partition values"}`));
    }
    let rows = 0;
    let bytes = 0;
    for (const batch of list) {
      rows += batch.numRows;
      bytes += columnBatchBytes(batch);
    }
    return this.enqueue(txn, rows, bytes, (pending) => pending.columnBatches.push(...list));
  }

  /** Flushes whatever is queued and waits for it; later appends are rejected with WRITER_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    this.requestFlush();
    while (this.inFlight !== null) await this.inFlight;
    this.clearTimer();
  }

  private pendingBatch(): PendingBatch {
    if (this.pending === null) {
      this.pending = { segments: [], columnBatches: [], rowCount: 0, bytes: 0, txns: new Map(), waiters: [] };
      this.timer = setTimeout(() => this.requestFlush(), this.options.maxDelayMs);
    }
    return this.pending;
  }

  // Starts a flush of the pending batch now, or right after the flush in progress.
  private requestFlush(): void {
    if (this.pending === null) return;
    if (this.inFlight !== null) {
      this.flushWanted = true;
      return;
    }
    this.clearTimer();
    const batch = this.pending;
    this.pending = null;
    this.flushWanted = false;
    this.inFlight = this.flush(batch).finally(() => {
      this.inFlight = null;
      if (this.flushWanted || this.closed) this.requestFlush();
    });
  }

  // Never rejects: the outcome goes to the batch's waiters.
  private async flush(batch: PendingBatch): Promise<void> {
    let version: number;
    try {
      const result = await commitBatch(
        this.snapshot,
        { segments: batch.segments, columnBatches: batch.columnBatches, rowCount: batch.rowCount, txns: batch.txns },
        this.encoder,
        this.statsOptions(),
      );
      this.snapshot = result.snapshot;
      version = result.version;
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
      return;
    }
    for (const waiter of batch.waiters) waiter.resolve({ version });
    await this.checkpointIfDue(version);
  }

  private async checkpointIfDue(version: number): Promise<void> {
    const interval = effectiveCheckpointInterval(this.snapshot.configuration, this.options.checkpointInterval);
    if (version % interval !== 0) return;
    // Such a table wants checkpoints with typed stats_parsed/partitionValues_parsed columns, which this
    // writer does not produce; writing none at all is always allowed.
    if (this.snapshot.configuration["delta.checkpoint.writeStatsAsStruct"]?.toLowerCase() === "true") return;
    try {
      await writeCheckpoint(this.snapshot);
      this.lastCheckpointError = undefined;
    } catch (error) {
      // The commit is already durable; a missing checkpoint only makes later replays slower.
      this.lastCheckpointError = error;
    }
  }

  private statsOptions(): StatsOptions {
    const configuration = this.snapshot.configuration;
    const numIndexedCols = Number(configuration["delta.dataSkippingNumIndexedCols"] ?? 32);
    const stringPrefixLength = Number(configuration["delta.dataSkippingStringPrefixLength"] ?? 32);
    return {
      numIndexedCols: Number.isSafeInteger(numIndexedCols) ? numIndexedCols : 32,
      stringPrefixLength: Number.isSafeInteger(stringPrefixLength) && stringPrefixLength > 0 ? stringPrefixLength : 32,
    };
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
