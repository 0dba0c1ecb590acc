/**
 * The blocking client's `ZerobusStream`: every method returns when its work is done, like the Python sync
 * SDK's. The async stream runs in the worker thread; this side encodes records (so a bad record throws
 * right here), assigns their offsets, keeps its own copy of the in-flight window, and hands records over
 * in groups (see `record-outbox.ts`). It blocks, in `Atomics.wait`, only where the async API would wait:
 * for room in the window, for acknowledgments, and for the worker's answer to `close()` and friends.
 */
import { GrpcStatus, NonRetriableException, ZerobusException } from "../errors.js";
import type { ResolvedStreamOptions } from "../options.js";
import type { RecordEncoder } from "../record-encoding.js";
import { StreamState } from "../stream-state.js";
import { STREAM_CELLS, fromWireError, unpackBatches, type PackedBatches, type StreamCells, type WireError } from "./protocol.js";
import { RecordOutbox, type OutboxLimits } from "./record-outbox.js";
import { RecordAcknowledgment, type AckSource } from "./sync-ack.js";
import { SyncWindow } from "./sync-window.js";
import type { WorkerChannel } from "./worker-channel.js";

/** Everything a blocking stream is built from (by the blocking `ZerobusSdk`). */
export interface SyncStreamSetup {
  readonly channel: WorkerChannel;
  readonly handle: number;
  readonly cells: StreamCells;
  readonly tableName: string;
  readonly options: ResolvedStreamOptions;
  readonly encode: RecordEncoder;
  readonly limits: OutboxLimits;
  /** Records per entry already in the stream (a recreated stream starts with the old one's unacknowledged). */
  readonly resent?: readonly number[];
}

const closedError = (): NonRetriableException =>
  new NonRetriableException("Cannot ingest records after stream is closed or before it's opened.");

function toOffset(offset: unknown): number {
  if (typeof offset === "bigint" && offset >= 0n && offset <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(offset);
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
  throw new NonRetriableException(`Invalid offset: expected a non-negative integer, got ${String(offset)}`);
}

/** One blocking ingestion stream into one table. Create it with the blocking `ZerobusSdk.createStream`. */
export class ZerobusStream implements AckSource {
  /** The three-part name of the table this stream writes to. */
  readonly tableName: string;
  /** The stream's options, with defaults applied. */
  readonly options: ResolvedStreamOptions;
  /** @internal The worker's handle of this stream. */
  readonly _handle: number;
  readonly #channel: WorkerChannel;
  readonly #cells: StreamCells;
  readonly #encode: RecordEncoder;
  readonly #json: boolean;
  readonly #window: SyncWindow;
  readonly #outbox: RecordOutbox;
  #next = 0;
  #acked = -1;
  #closed = false;
  #failure: ZerobusException | undefined;
  #callbacks: Array<{ offset: number; run: () => void }> = [];
  #runningCallbacks = false;

  /** @internal Streams are created by the blocking `ZerobusSdk`. */
  constructor(setup: SyncStreamSetup) {
    this.tableName = setup.tableName;
    this.options = setup.options;
    this._handle = setup.handle;
    this.#channel = setup.channel;
    this.#cells = setup.cells;
    this.#encode = setup.encode;
    this.#json = setup.options.recordType === "json";
    this.#window = new SyncWindow(setup.options.maxInflightRecords);
    for (const records of setup.resent ?? []) this.#window.add(records);
    this.#next = setup.resent?.length ?? 0;
    this.#outbox = new RecordOutbox(setup.handle, this.#json, setup.limits, (message, transfer) => setup.channel.post(message, transfer));
  }

  /** The server-assigned id of the stream (it changes when the stream reconnects). */
  get streamId(): string {
    return this.#channel.call({ op: "streamId", stream: this._handle }) as string;
  }

  /** Whether the stream has been closed or has failed. */
  get isClosed(): boolean {
    return this.#closed || this.#failed();
  }

  /** The stream's current `StreamState`. */
  getState(): StreamState {
    // A closed stream stays closed: no need to ask the worker (which may be gone after `sdk.close()`).
    if (this.#closed) return StreamState.CLOSED;
    this.#outbox.flush();
    return this.#channel.call({ op: "state", stream: this._handle }) as StreamState;
  }

  /** Ingests one record; returns its acknowledgment once admitted (blocks while the window is full). */
  ingestRecord(record: unknown): RecordAcknowledgment {
    return new RecordAcknowledgment(this.#ingest([this.#encodeOne(record)]), this);
  }

  /** Ingests records as one batch with one acknowledgment (all or nothing); `null` for an empty array. */
  ingestRecords(records: readonly unknown[]): RecordAcknowledgment | null {
    const encoded = this.#encodeBatch(records, "ingestRecords");
    return encoded.length === 0 ? null : new RecordAcknowledgment(this.#ingest(encoded), this);
  }

  /** Ingests one record and returns its logical offset once admitted. */
  ingestRecordOffset(record: unknown): bigint {
    return BigInt(this.#ingest([this.#encodeOne(record)]));
  }

  /** Ingests records as one batch and returns the batch's offset once admitted; `null` for an empty array. */
  ingestRecordsOffset(records: readonly unknown[]): bigint | null {
    const encoded = this.#encodeBatch(records, "ingestRecordsOffset");
    return encoded.length === 0 ? null : BigInt(this.#ingest(encoded));
  }

  /** Blocks until the record or batch at `offset` (and everything before it) is acknowledged. */
  waitForOffset(offset: bigint | number): void {
    const target = toOffset(offset);
    if (target >= this.#next) {
      throw new NonRetriableException(`Offset ${target} has not been assigned yet (next offset is ${this.#next})`);
    }
    this.#observe();
    // As in the async API: an offset acknowledged before a failure is still a success.
    if (target <= this.#acked) return;
    if (this.#failed()) throw this.#failureError();
    this.#waitFor(target, "Waiting for acknowledgement");
  }

  /** Blocks until every record ingested so far is acknowledged, up to `flushTimeoutMs`. */
  flush(): void {
    this.#observe();
    if (this.#failed()) throw this.#failureError();
    if (this.#closed || this.#next === 0) return;
    this.#waitFor(this.#next - 1, "Flush");
  }

  /**
   * Flushes, then closes the stream. Idempotent. If the flush fails or times out, the stream fails: the
   * error is thrown and the unacknowledged records stay available from `getUnackedRecords()`.
   */
  close(): void {
    if (this.#closed) return;
    this.#outbox.flush();
    try {
      this.#channel.call({ op: "close", stream: this._handle });
      this.#closed = true;
      this.#outbox.dispose();
    } finally {
      this.#observe();
      this.#runCallbacks();
    }
  }

  /** The records not yet acknowledged, oldest first (JSON records as UTF-8 bytes). */
  getUnackedRecords(): Buffer[] {
    return this.getUnackedBatches().flat();
  }

  /** Like {@link ZerobusStream.getUnackedRecords}, grouped as they were ingested (one array per call). */
  getUnackedBatches(): Buffer[][] {
    if (this.#closed) return []; // close() succeeded: everything was acknowledged
    this.#outbox.flush();
    return unpackBatches(this.#channel.call({ op: "unacked", stream: this._handle }) as PackedBatches);
  }

  /** @internal See {@link AckSource}. */
  isSettled(offset: number): boolean {
    this.#observe();
    const settled = this.#acked >= offset || this.#failed();
    // A poller must make progress even if it never calls anything that hands records over.
    if (!settled) this.#outbox.flush();
    this.#runCallbacks();
    return settled;
  }

  /** @internal See {@link AckSource}. */
  errorFor(offset: number): Error | undefined {
    this.#observe();
    return this.#acked < offset && this.#failed() ? this.#failureError() : undefined;
  }

  /** @internal See {@link AckSource}. */
  waitSettled(offset: number, timeoutMs: number | undefined): boolean {
    this.#outbox.flush();
    const settled = this.#channel.waitUntil(() => {
      this.#observe();
      return this.#acked >= offset || this.#failed();
    }, timeoutMs);
    this.#runCallbacks();
    return settled;
  }

  /** @internal See {@link AckSource}. */
  onSettled(offset: number, callback: () => void): void {
    this.#callbacks.push({ offset, run: callback });
    this.#runCallbacks();
  }

  #encodeOne(record: unknown, index?: number): string | Uint8Array {
    const encoded: string | Uint8Array = this.#encode(record, index);
    if (!this.#json || typeof encoded === "string") return encoded;
    return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString("utf8");
  }

  #encodeBatch(records: readonly unknown[], method: string): Array<string | Uint8Array> {
    if (!Array.isArray(records)) {
      throw new NonRetriableException(`${method}: expected an array of records, got ${records === null ? "null" : typeof records}`);
    }
    return records.map((record, i) => this.#encodeOne(record, i));
  }

  /** Admits one entry (blocking while the window is full), assigns its offset and queues it for the worker. */
  #ingest(records: Array<string | Uint8Array>): number {
    this.#observe();
    this.#assertAccepting();
    if (!this.#window.fits(records.length)) {
      this.#outbox.flush();
      this.#channel.waitUntil(() => {
        this.#observe();
        return this.#window.fits(records.length) || this.#failed();
      });
      this.#assertAccepting();
    }
    const offset = this.#next++;
    this.#window.add(records.length);
    this.#outbox.add(records);
    this.#outbox.flushIfDue();
    if (this.#callbacks.length > 0) this.#runCallbacks();
    return offset;
  }

  #waitFor(offset: number, what: string): void {
    this.#outbox.flush();
    const timeoutMs = this.options.flushTimeoutMs;
    this.#channel.waitUntil(() => {
      this.#observe();
      return this.#acked >= offset || this.#failed();
    }, timeoutMs);
    this.#runCallbacks();
    if (this.#acked >= offset) return;
    if (this.#failed()) throw this.#failureError();
    throw new ZerobusException(`${what} timed out after ${timeoutMs} ms`, { grpcCode: GrpcStatus.DEADLINE_EXCEEDED });
  }

  #assertAccepting(): void {
    if (this.#failed()) {
      const cause = this.#failureError();
      throw new NonRetriableException(`Stream failed: ${cause.message}`, { cause });
    }
    if (this.#closed) throw closedError();
  }

  /** Reads the acknowledged offset the worker published and releases the window up to it. */
  #observe(): void {
    const acked = Number(Atomics.load(this.#cells.acked, 0));
    if (acked > this.#acked) {
      this.#acked = acked;
      this.#window.acknowledge(acked);
    }
  }

  #failed(): boolean {
    return Atomics.load(this.#cells.flags, STREAM_CELLS.FAILED) === 1;
  }

  #failureError(): ZerobusException {
    this.#failure ??= fromWireError(this.#channel.call({ op: "error", stream: this._handle }) as WireError);
    return this.#failure;
  }

  /** Runs the done callbacks whose records are settled; never re-entered from a callback. */
  #runCallbacks(): void {
    if (this.#callbacks.length === 0 || this.#runningCallbacks) return;
    this.#runningCallbacks = true;
    try {
      this.#observe();
      const failed = this.#failed();
      const due = this.#callbacks.filter((c) => c.offset <= this.#acked || failed);
      if (due.length === 0) return;
      this.#callbacks = this.#callbacks.filter((c) => !due.includes(c));
      for (const callback of due) {
        try {
          callback.run();
        } catch {
          // A user callback must not break the stream, as with the async API.
        }
      }
    } finally {
      this.#runningCallbacks = false;
    }
  }
}
