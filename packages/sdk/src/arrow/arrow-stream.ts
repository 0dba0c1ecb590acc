/**
 * `ZerobusArrowStream`: the public face of one Arrow Flight stream. It turns each `ingestBatch` input into
 * the frames it will be sent as (checking it first, so bad input is refused before anything is queued) and
 * hands them to the same {@link StreamEngine} record streams use: one ledger, one in-flight window, one
 * recovery path, the same states, metrics and logs. Only the wire differs (`flight-protocol.ts`).
 */
import { NonRetriableException } from "../errors.js";
import type { StreamMetricsSnapshot } from "../metrics/stream-metrics.js";
import { abortable, type WaitOptions } from "../node-streams/abortable.js";
import type { StreamEngine } from "../stream-engine.js";
import { StreamState } from "../stream-state.js";
import type { ResolvedArrowStreamOptions } from "./arrow-options.js";
import type { ArrowBatchInput, ArrowSchemaLike } from "./arrow-types.js";
import type { BatchPreparer } from "./batch-preparer-type.js";
import { unackedBatchesIpc } from "./unacked-batches.js";

/** What the SDK keeps about an Arrow stream so that `recreateArrowStream` can build an identical one. */
export interface ArrowStreamRecipe {
  readonly tableProperties: unknown;
  readonly options: unknown;
  readonly headersProvider: unknown;
  readonly clientId: unknown;
  readonly clientSecret: unknown;
}

function toOffset(offset: unknown): number {
  if (typeof offset === "bigint" && offset >= 0n && offset <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(offset);
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
  throw new NonRetriableException(`Invalid offset: expected a non-negative integer, got ${String(offset)}`);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Bytes queued between two yields to the event loop. A loop of `ingestBatch` calls would otherwise run on
 * microtasks alone until the window is full, leaving the socket (HTTP/2 window updates, acks) unserved;
 * yielding once per MiB keeps it flowing without paying an event-loop turn for every small batch.
 */
const YIELD_EVERY_BYTES = 1024 * 1024;

/** One Arrow Flight stream into one table. Create it with `ZerobusSdk.createArrowStream`. */
export class ZerobusArrowStream {
  readonly #engine: StreamEngine;
  readonly #preparer: BatchPreparer;
  readonly #tableName: string;
  readonly #options: ResolvedArrowStreamOptions;
  readonly #closeChannel: () => void;
  #bytesSinceYield = 0;
  /** @internal Used by `ZerobusSdk.recreateArrowStream`. */
  readonly _recipe: ArrowStreamRecipe;

  /** @internal Arrow streams are created by `ZerobusSdk.createArrowStream`. */
  constructor(
    engine: StreamEngine,
    preparer: BatchPreparer,
    tableName: string,
    options: ResolvedArrowStreamOptions,
    recipe: ArrowStreamRecipe,
    closeChannel: () => void,
  ) {
    this.#engine = engine;
    this.#closeChannel = closeChannel;
    this.#preparer = preparer;
    this.#tableName = tableName;
    this.#options = options;
    this._recipe = recipe;
  }

  /** The three-part name of the table this stream writes to. */
  get tableName(): string {
    return this.#tableName;
  }

  /** The declared schema, as an apache-arrow `Schema`. */
  get schema(): ArrowSchemaLike {
    return this.#preparer.schema;
  }

  /** The stream's options, with defaults applied. */
  get options(): ResolvedArrowStreamOptions {
    return this.#options;
  }

  /** Whether the stream has been closed or has failed. */
  get isClosed(): boolean {
    const state = this.#engine.state;
    return state === StreamState.CLOSED || state === StreamState.FAILED;
  }

  /** The stream's current {@link StreamState}. */
  getState(): StreamState {
    return this.#engine.state;
  }

  /**
   * Queues one batch and resolves with its logical offset (0, 1, 2, … per call, for the life of the stream)
   * once it is queued, not once it is acknowledged: use {@link ZerobusArrowStream.waitForOffset} for that.
   * Waits while `maxInflightBatches` batches or `maxInflightBytes` bytes await acknowledgment.
   *
   * `batch` is Arrow IPC stream bytes, an apache-arrow `RecordBatch` or an apache-arrow `Table` (one offset
   * for the whole table), whose schema must equal the stream's. IPC bytes are sent as they are, without a
   * copy, and a RecordBatch's or Table's columns are read as they are sent (no copy is kept): do not modify
   * either until the offset is acknowledged. Refused (with `NonRetriableException`, nothing
   * queued): bytes that do not parse, another schema, no rows, dictionary-encoded columns, a row too large
   * for one message.
   */
  ingestBatch(batch: ArrowBatchInput): Promise<bigint> {
    let admitted;
    let bytes;
    try {
      const prepared = this.#preparer.prepare(batch);
      bytes = prepared.bytes;
      admitted = this.#engine.ingest(prepared, prepared.rows, bytes, false);
    } catch (err) {
      return Promise.reject(err);
    }
    // Admitted at once (the common case): no promise chained on a promise, one event-loop turn per MiB at most.
    if (typeof admitted === "number") return this.#queued(admitted, bytes);
    return admitted.then((offset) => this.#queued(offset, bytes));
  }

  #queued(offset: number, bytes: number): Promise<bigint> {
    this.#bytesSinceYield += bytes;
    if (this.#bytesSinceYield < YIELD_EVERY_BYTES) return Promise.resolve(BigInt(offset));
    this.#bytesSinceYield = 0;
    return yieldToEventLoop().then(() => BigInt(offset));
  }

  /** Waits until the batch at `offset` (and every batch before it) is acknowledged, up to `flushTimeoutMs`. */
  async waitForOffset(offset: bigint | number, options?: WaitOptions): Promise<void> {
    return this.#engine.waitForOffset(toOffset(offset), undefined, options?.signal);
  }

  /** Waits until every batch ingested before this call is acknowledged, up to `flushTimeoutMs`. */
  flush(options?: WaitOptions): Promise<void> {
    return this.#engine.flush(undefined, options?.signal);
  }

  /**
   * Flushes, then closes the stream. Idempotent. If the flush fails or times out, the stream fails: the error
   * is thrown and the unacknowledged rows stay available from {@link ZerobusArrowStream.getUnackedBatches}.
   */
  close(options?: WaitOptions): Promise<void> {
    // The stream's own channel goes once the call has ended (or the close failed).
    const closing = this.#engine.close().finally(this.#closeChannel);
    return abortable(closing, options?.signal);
  }

  /** The stream's counters and ack-latency percentiles (records = rows). */
  metrics(): StreamMetricsSnapshot {
    return this.#engine.metrics.snapshot();
  }

  /**
   * The rows not yet acknowledged, one Arrow IPC stream (schema, record batches, end-of-stream marker,
   * uncompressed) per batch call, oldest first. A batch partly acknowledged gives only its unacknowledged
   * rows. While the stream is open this is what is in flight now; once it has closed or failed, it is
   * what was never acknowledged.
   */
  async getUnackedBatches(): Promise<Buffer[]> {
    return unackedBatchesIpc(this.#preparer.schemaMessage, this.#engine.unackedEntries(), this.#engine.durableRequestsOfOldest());
  }

  /** @internal Re-ingests an unacknowledged batch (used by `recreateArrowStream`). */
  async _reingest(ipc: Buffer): Promise<void> {
    await this.ingestBatch(ipc);
  }
}
