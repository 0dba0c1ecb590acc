/**
 * `ZerobusStream`: the public face of one ingestion stream. It encodes records (rejecting the wrong kind
 * before anything is sent), checks arguments, and hands entries to the {@link StreamEngine}. It offers
 * both official API styles: Python's (`ingestRecord` → {@link RecordAcknowledgment}) and the official
 * TypeScript SDK's (`ingestRecordOffset` → offset, `waitForOffset`).
 */
import type { RecordAcknowledgment } from "./acknowledgment.js";
import { NonRetriableException } from "./errors.js";
import type { ResolvedStreamOptions } from "./options.js";
import type { EncodedRecord, RecordEncoder } from "./record-encoding.js";
import type { StreamEngine } from "./stream-engine.js";
import type { StreamState } from "./stream-state.js";
import type { StreamMetricsSnapshot } from "./metrics/stream-metrics.js";
import { abortable, type WaitOptions } from "./node-streams/abortable.js";
import { ingestAll, type IngestAllOptions } from "./node-streams/ingest-all.js";
import type { IngestSummary } from "./node-streams/record-sink.js";
import { createRecordWritable, type RecordWritable, type RecordWritableOptions } from "./node-streams/record-writable.js";
import type { EntryPayload } from "./ledger-columns.js";
import { FramedBatch } from "./wire/framed-batch.js";
import { prepareBatch, wireRecordBytes } from "./wire/request-encoder.js";

/** What the SDK keeps about a stream so that `recreateStream` can build an identical one. */
export interface StreamRecipe {
  readonly tableProperties: unknown;
  readonly options: unknown;
  readonly headersProvider: unknown;
  readonly clientId: unknown;
  readonly clientSecret: unknown;
  /** Federated streams only: the subject-token supplier. */
  readonly subjectTokenSupplier?: unknown;
}

const toBuffer = (record: EncodedRecord): Buffer =>
  typeof record === "string"
    ? Buffer.from(record, "utf8")
    : Buffer.isBuffer(record)
      ? record
      : Buffer.from(record.buffer, record.byteOffset, record.byteLength);

const toBigInt = (offset: number): bigint => BigInt(offset);

/** The records of a ledger entry, as bytes of their own. */
function payloadRecords(payload: EntryPayload): Buffer[] {
  if (payload instanceof FramedBatch) return payload.records();
  if (typeof payload === "string" || payload instanceof Uint8Array) return [toBuffer(payload)];
  return (payload as readonly EncodedRecord[]).map(toBuffer); // a record stream's ledger holds no Arrow batches
}

function toOffset(offset: unknown): number {
  if (typeof offset === "bigint" && offset >= 0n && offset <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(offset);
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
  throw new NonRetriableException(`Invalid offset: expected a non-negative integer, got ${String(offset)}`);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function assertArray(records: unknown, method: string): asserts records is readonly unknown[] {
  if (!Array.isArray(records)) {
    throw new NonRetriableException(`${method}: expected an array of records, got ${records === null ? "null" : typeof records}`);
  }
}

/** One ingestion stream into one table. Create it with `ZerobusSdk.createStream`. */
export class ZerobusStream {
  readonly #engine: StreamEngine;
  readonly #encode: RecordEncoder;
  readonly #tableName: string;
  readonly #options: ResolvedStreamOptions;
  /** @internal Used by `ZerobusSdk.recreateStream`. */
  readonly _recipe: StreamRecipe;

  /** @internal Streams are created by `ZerobusSdk.createStream`. */
  constructor(engine: StreamEngine, encode: RecordEncoder, tableName: string, options: ResolvedStreamOptions, recipe: StreamRecipe) {
    this.#engine = engine;
    this.#encode = encode;
    this.#tableName = tableName;
    this.#options = options;
    this._recipe = recipe;
  }

  /** The server-assigned id of the stream (it changes when the stream reconnects). */
  get streamId(): string {
    return this.#engine.streamId;
  }

  /** The three-part name of the table this stream writes to. */
  get tableName(): string {
    return this.#tableName;
  }

  /** The stream's options, with defaults applied. */
  get options(): ResolvedStreamOptions {
    return this.#options;
  }

  /** Whether the stream has been closed or has failed. */
  get isClosed(): boolean {
    const state = this.#engine.state;
    return state === 3 || state === 5;
  }

  /** The stream's current {@link StreamState}. */
  getState(): StreamState {
    return this.#engine.state;
  }

  /**
   * Ingests one record and returns its {@link RecordAcknowledgment} once the record is admitted (this waits
   * while `maxInflightRecords` records are unacknowledged). The record is a protobuf message, bytes or a
   * plain object on a PROTO stream; a string or a plain object on a JSON stream.
   *
   * Migration note: the official TypeScript SDK's deprecated `ingestRecord` resolves with the offset after
   * the ack; here (as in the Python SDK) it resolves with the acknowledgment handle. Use
   * `(await stream.ingestRecord(r)).waitForAck()` for the offset after the ack.
   */
  ingestRecord(record: unknown): Promise<RecordAcknowledgment> {
    try {
      const encoded = this.#encode(record);
      const admitted = this.#engine.ingest(encoded, 1, wireRecordBytes(encoded), true);
      return admitted instanceof Promise ? admitted : Promise.resolve(admitted);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Ingests records as one batch request with one acknowledgment (all or nothing); `null` for an empty array.
   * Every record is encoded first, so a bad one rejects the call before anything is sent.
   */
  async ingestRecords(records: readonly unknown[]): Promise<RecordAcknowledgment | null> {
    const admitted = await this.#ingestBatch(records, true, "ingestRecords");
    return (admitted as RecordAcknowledgment | undefined) ?? null;
  }

  /** Ingests one record and resolves with its logical offset once it is queued (official TS style). */
  ingestRecordOffset(record: unknown): Promise<bigint> {
    try {
      const encoded = this.#encode(record);
      const admitted = this.#engine.ingest(encoded, 1, wireRecordBytes(encoded), false);
      return admitted instanceof Promise ? admitted.then(toBigInt) : Promise.resolve(BigInt(admitted));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Ingests records as one batch; resolves with the batch's offset once queued, `null` for an empty array. */
  async ingestRecordsOffset(records: readonly unknown[]): Promise<bigint | null> {
    const admitted = await this.#ingestBatch(records, false, "ingestRecordsOffset");
    return admitted === undefined ? null : BigInt(admitted as number);
  }

  /** Waits until the record or batch at `offset` (and everything before it) is acknowledged. */
  async waitForOffset(offset: bigint | number, options?: WaitOptions): Promise<void> {
    return this.#engine.waitForOffset(toOffset(offset), undefined, options?.signal);
  }

  /**
   * Waits until every record ingested before this call is acknowledged, up to `flushTimeoutMs`. Records
   * ingested meanwhile are not waited for, and ingestion is not blocked.
   */
  flush(options?: WaitOptions): Promise<void> {
    return this.#engine.flush(undefined, options?.signal);
  }

  /**
   * Flushes, then closes the stream. Idempotent. If the flush fails or times out, the stream fails: the
   * error is thrown and the unacknowledged records stay available from {@link ZerobusStream.getUnackedRecords}.
   */
  close(options?: WaitOptions): Promise<void> {
    // Aborting stops the wait only: the close goes on; call close() again to wait for it.
    return abortable(this.#engine.close(), options?.signal);
  }

  /**
   * A Node `Writable` in object mode ingesting every object written to it, with the stream's backpressure;
   * it flushes when it ends (see docs/integrations.md).
   */
  writable(options?: RecordWritableOptions): RecordWritable {
    return createRecordWritable(this, options);
  }

  /** Ingests every record of an (async) iterable, in order; resolves with `{ records, lastOffset }` once acknowledged. */
  ingestAll(source: AsyncIterable<unknown> | Iterable<unknown>, options?: IngestAllOptions): Promise<IngestSummary> {
    return ingestAll(this, source, options);
  }

  /** The stream's counters and ack-latency percentiles, as a plain object. */
  metrics(): StreamMetricsSnapshot {
    return this.#engine.metrics.snapshot();
  }

  /**
   * The encoded records not yet acknowledged, oldest first (JSON records as UTF-8 bytes). While the stream is
   * open this is what is in flight now; once it has failed or closed, it is what was never acknowledged.
   */
  getUnackedRecords(): Buffer[] {
    const records: Buffer[] = [];
    for (const entry of this.#engine.unackedEntries()) records.push(...payloadRecords(entry.payload));
    return records;
  }

  /** Like {@link ZerobusStream.getUnackedRecords}, grouped as they were ingested (one array per call). */
  getUnackedBatches(): Buffer[][] {
    return this.#engine.unackedEntries().map((entry) => payloadRecords(entry.payload));
  }

  /** @internal Re-ingests already-encoded entries (used by `recreateStream`). */
  async _ingestEncoded(batch: readonly Buffer[], asBatch: boolean): Promise<void> {
    if (!asBatch) return void (await this.#engine.ingest(batch[0]!, 1, batch[0]!.length, false));
    const { payload, bytes } = prepareBatch(batch);
    await this.#engine.ingest(payload, batch.length, bytes, false);
  }

  /** Encodes and admits a batch call; resolves with its offset, or its acknowledgment with `withAck`. */
  async #ingestBatch(records: readonly unknown[], withAck: boolean, method: string): Promise<number | RecordAcknowledgment | undefined> {
    assertArray(records, method);
    if (records.length === 0) return undefined;
    const encoded = new Array<EncodedRecord>(records.length);
    for (let i = 0; i < records.length; i++) encoded[i] = this.#encode(records[i], i);
    const { payload, bytes } = prepareBatch(encoded);
    const admitted = await this.#engine.ingest(payload, encoded.length, bytes, withAck);
    // A loop of batch calls would otherwise run on microtasks alone until the window is full, leaving the
    // socket (HTTP/2 window updates, acks) unserved meanwhile; one event-loop turn per batch keeps it flowing.
    await yieldToEventLoop();
    return admitted;
  }
}
