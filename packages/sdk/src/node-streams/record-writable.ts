/**
 * `stream.writable()`: a Node `Writable` in object mode that ingests each object written to it, for
 * `pipeline(source, transform, stream.writable())`.
 *
 * Backpressure is the stream's own: a write completes only once the record is admitted into the in-flight
 * window (`maxInflightRecords`), so while the window is full the Writable's buffer fills, `write()` returns
 * false and `pipeline()` stops pulling from the source until acknowledgments free room.
 *
 * A failed ingest destroys the Writable with that error (and so rejects the pipeline). Records written
 * before it are not lost: they are in the stream's ledger, acknowledged or replayed as usual, and
 * `getUnackedRecords()` returns them if the stream fails for good.
 */
import { Writable } from "node:stream";
import { NonRetriableException } from "../errors.js";
import { resolveBatchSize, type IngestSummary, type RecordSink } from "./record-sink.js";

/** What the Writable does when it ends (after the last write completed). */
export type RecordWritableEnd = "flush" | "close" | "none";

/** Options of {@link ZerobusStream.writable}. */
export interface RecordWritableOptions {
  /**
   * Records per ingest call when several are waiting in the Writable's buffer: they go out as one batch
   * request (all or nothing, one offset). Default 1: one call, one offset per record.
   */
  batchSize?: number;
  /** Objects the Writable buffers before `write()` returns false. Default 16, or `batchSize` if larger. */
  highWaterMark?: number;
  /**
   * On `end()`: `"flush"` (default) waits until every record is acknowledged before `finish`; `"close"`
   * closes the stream (which flushes); `"none"` finishes at once, leaving acknowledgment to the caller.
   */
  end?: RecordWritableEnd;
  /** Destroys the Writable (with an AbortError) when aborted; records already written are left alone. */
  signal?: AbortSignal;
}

/** The Writable returned by {@link ZerobusStream.writable}, with what it has ingested so far. */
export class RecordWritable extends Writable {
  readonly #sink: RecordSink;
  readonly #batchSize: number;
  readonly #end: RecordWritableEnd;
  #records = 0;
  #lastOffset: bigint | null = null;

  /** Use {@link ZerobusStream.writable}. */
  constructor(sink: RecordSink, options: RecordWritableOptions = {}) {
    const batchSize = resolveBatchSize(options.batchSize);
    const end = options.end ?? "flush";
    if (end !== "flush" && end !== "close" && end !== "none") {
      throw new NonRetriableException(`end must be "flush", "close" or "none", got ${String(end)}`);
    }
    super({
      objectMode: true,
      highWaterMark: options.highWaterMark ?? Math.max(16, batchSize),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.#sink = sink;
    this.#batchSize = batchSize;
    this.#end = end;
    // Without batching, buffered records are written one by one (Node calls _write for each).
    if (batchSize === 1) (this as Writable)._writev = undefined;
  }

  /** Records ingested so far (a batch counts its records). */
  get records(): number {
    return this.#records;
  }

  /** Logical offset of the last ingest call, or `null` before the first. */
  get lastOffset(): bigint | null {
    return this.#lastOffset;
  }

  /** {@link RecordWritable.records} and {@link RecordWritable.lastOffset} together. */
  summary(): IngestSummary {
    return { records: this.#records, lastOffset: this.#lastOffset };
  }

  /** @internal Node's hook: one buffered object. */
  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#sink.ingestRecordOffset(chunk).then((offset) => {
      this.#records++;
      this.#lastOffset = offset;
      callback();
    }, callback);
  }

  /** @internal Node's hook: several buffered objects, sent as batches of up to `batchSize`. */
  override _writev(chunks: Array<{ chunk: unknown }>, callback: (error?: Error | null) => void): void {
    this.#writeBatches(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  /** @internal Node's hook: runs after the last write, before `finish`. */
  override _final(callback: (error?: Error | null) => void): void {
    const done = this.#end === "flush" ? this.#sink.flush() : this.#end === "close" ? this.#sink.close() : Promise.resolve();
    done.then(() => callback(), callback);
  }

  async #writeBatches(records: unknown[]): Promise<void> {
    // One batch at a time: a failed batch stops the rest, so nothing after a failure is ingested.
    for (let i = 0; i < records.length; i += this.#batchSize) {
      const batch = records.slice(i, i + this.#batchSize);
      const offset = await this.#sink.ingestRecordsOffset(batch);
      this.#records += batch.length;
      if (offset !== null) this.#lastOffset = offset;
    }
  }
}

/**
 * Creates a Writable that ingests every object written to it into `sink` (a `ZerobusStream`), respecting
 * the stream's backpressure, and flushes (by default) when it ends. See the module comment for errors.
 */
export function createRecordWritable(sink: RecordSink, options?: RecordWritableOptions): RecordWritable {
  return new RecordWritable(sink, options);
}
