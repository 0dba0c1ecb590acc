/**
 * `StreamMetrics`: the counters behind `stream.metrics()`. The engine calls its `on…` methods as things
 * happen; each is a handful of additions (no timers, no per-record allocation), so a stream pays the same
 * whether or not anyone reads them. {@link StreamMetrics.snapshot} turns them into a plain object.
 *
 * Units: records, bytes of encoded record payload (what the application's records weigh on the wire,
 * without the request envelope), and milliseconds. Ack latency is the time from the ingest call to the
 * acknowledgment that made the record durable, one sample per acknowledged ingest call (a batch counts
 * once), kept in a {@link LogHistogram}.
 */
import { LogHistogram, type HistogramSummary } from "./log-histogram.js";

/** The last error a stream met, as plain data. */
export interface ErrorSummary {
  /** The error class name, e.g. `ZerobusException`. */
  readonly name: string;
  /** The error message. */
  readonly message: string;
  /** The gRPC status code behind it, if any. */
  readonly grpcCode: number | undefined;
  /** Whether a retry (reconnect) may succeed. */
  readonly retriable: boolean;
  /** When it was recorded, in ms since the epoch. */
  readonly time: number;
}

/** The running totals, cheap to read (no percentiles): what OpenTelemetry observers read. */
export interface StreamTotals {
  /** Records accepted by ingest calls. */
  readonly recordsIngested: number;
  /** Records acknowledged as durable. */
  readonly recordsAcked: number;
  /** Records rejected for good when the stream failed (returned by `getUnackedRecords`). */
  readonly recordsFailed: number;
  /** Encoded bytes of the records ingested. */
  readonly bytesIngested: number;
  /** Encoded bytes of the records acknowledged. */
  readonly bytesAcked: number;
  /** Records ingested and neither acknowledged nor failed yet. */
  readonly inflightRecords: number;
  /** Bytes of those records. */
  readonly inflightBytes: number;
  /** Reconnections (after an error, or planned after a server close signal). */
  readonly recoveries: number;
  /** Errors met: the ones recovered from and the one that failed the stream. */
  readonly errors: number;
}

/** What `stream.metrics()` returns. */
export interface StreamMetricsSnapshot extends StreamTotals {
  /** The most recent error, or `undefined` if none. */
  readonly lastError: ErrorSummary | undefined;
  /** Ack latency in ms over acknowledged ingest calls: count, min, max, mean, p50, p90, p99. */
  readonly ackLatencyMs: HistogramSummary;
}

/** Told about every acknowledged ingest call: its latency (ms), records and bytes. */
export type AckListener = (latencyMs: number, records: number, bytes: number) => void;

function summarize(error: Error): ErrorSummary {
  const e = error as Error & { grpcCode?: unknown; retriable?: unknown };
  return {
    name: e.name,
    message: e.message,
    grpcCode: typeof e.grpcCode === "number" ? e.grpcCode : undefined,
    retriable: typeof e.retriable === "boolean" ? e.retriable : true,
    time: Date.now(),
  };
}

/** The metrics recorder of one stream; see the module comment. */
export class StreamMetrics {
  #recordsIngested = 0;
  #recordsAcked = 0;
  #recordsFailed = 0;
  #bytesIngested = 0;
  #bytesAcked = 0;
  #bytesFailed = 0;
  #recoveries = 0;
  #errors = 0;
  #lastError: ErrorSummary | undefined;
  readonly #latency = new LogHistogram();
  #listeners: AckListener[] = [];

  /** An ingest call was accepted (admitted into the stream) with `records` records of `bytes` bytes. */
  onIngested(records: number, bytes: number): void {
    this.#recordsIngested += records;
    this.#bytesIngested += bytes;
  }

  /** An ingest call of `records` records and `bytes` bytes was acknowledged `latencyMs` after it was made. */
  onAcked(records: number, bytes: number, latencyMs: number): void {
    this.#recordsAcked += records;
    this.#bytesAcked += bytes;
    this.#latency.record(latencyMs);
    for (const listener of this.#listeners) listener(latencyMs, records, bytes);
  }

  /** Ingested records were rejected for good because the stream failed. */
  onFailed(records: number, bytes: number): void {
    this.#recordsFailed += records;
    this.#bytesFailed += bytes;
  }

  /** The stream reconnected; `cause` is the error it recovered from (none for a planned rotation). */
  onRecovery(cause?: Error): void {
    this.#recoveries++;
    if (cause) this.onError(cause);
  }

  /** The stream met an error (recovered from, or final). */
  onError(error: Error): void {
    this.#errors++;
    this.#lastError = summarize(error);
  }

  /**
   * Calls `listener` for every acknowledged ingest call from now on (the OpenTelemetry adapter records its
   * duration histogram this way); returns the function that stops it. A listener must not throw.
   */
  addAckListener(listener: AckListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** The running totals (no percentiles: O(1)). */
  totals(): StreamTotals {
    return {
      recordsIngested: this.#recordsIngested,
      recordsAcked: this.#recordsAcked,
      recordsFailed: this.#recordsFailed,
      bytesIngested: this.#bytesIngested,
      bytesAcked: this.#bytesAcked,
      inflightRecords: this.#recordsIngested - this.#recordsAcked - this.#recordsFailed,
      inflightBytes: this.#bytesIngested - this.#bytesAcked - this.#bytesFailed,
      recoveries: this.#recoveries,
      errors: this.#errors,
    };
  }

  /** Everything, as a plain object that can be logged or serialized as JSON. */
  snapshot(): StreamMetricsSnapshot {
    return { ...this.totals(), lastError: this.#lastError, ackLatencyMs: this.#latency.summary() };
  }
}
