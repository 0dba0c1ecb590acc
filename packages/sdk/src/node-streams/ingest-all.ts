/**
 * `stream.ingestAll(source)`: ingests every record of an (async) iterable, in order, one call per record or
 * in batches, and resolves with what it ingested once everything is acknowledged.
 *
 * The source is pulled one record at a time and only after the previous ingest call was admitted, so a
 * generator never runs ahead of the stream's in-flight window. With `batchSize` > 1 records are grouped
 * by count only: a partial batch waits for more records or for the end of the source, so a slow live
 * source is better served by `batchSize: 1` (or by `writable()`).
 *
 * If the source throws, an ingest call fails, or the signal aborts, `ingestAll` rejects with that error
 * and closes the source (`return()`). Records ingested before are left in the stream (acknowledged or
 * replayed as usual); a record whose admission was pending when the signal aborted may still be ingested.
 */
import { NonRetriableException } from "../errors.js";
import { abortable, throwIfAborted, type WaitOptions } from "./abortable.js";
import { resolveBatchSize, type IngestSummary, type RecordSink } from "./record-sink.js";

/** Options of {@link ZerobusStream.ingestAll}. */
export interface IngestAllOptions extends WaitOptions {
  /** Records per ingest call (one batch request, one offset). Default 1. */
  batchSize?: number;
  /** Wait until every ingested record is acknowledged before resolving. Default `true`. */
  flush?: boolean;
}

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

function iteratorOf(source: unknown): AnyIterator {
  const s = source as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown>; [Symbol.iterator]?: () => Iterator<unknown> };
  if (s !== null && typeof s === "object" && typeof s[Symbol.asyncIterator] === "function") return s[Symbol.asyncIterator]!();
  if (s !== null && typeof s === "object" && typeof s[Symbol.iterator] === "function") return s[Symbol.iterator]!();
  throw new NonRetriableException(`ingestAll: expected an iterable or async iterable of records, got ${source === null ? "null" : typeof source}`);
}

/**
 * Ingests every record of `source` into `sink` (a `ZerobusStream`) and resolves with the number of records
 * and the offset of the last call. A sync iterable's values are taken as records as they are (promises are
 * not awaited); an async iterable's are what it yields.
 */
export async function ingestAll(
  sink: RecordSink,
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options: IngestAllOptions = {},
): Promise<IngestSummary> {
  const batchSize = resolveBatchSize(options.batchSize);
  const signal = options.signal;
  throwIfAborted(signal, "ingestAll");
  const iterator = iteratorOf(source);
  let records = 0;
  let lastOffset: bigint | null = null;
  let batch: unknown[] = [];
  let finished = false;

  const sendBatch = async () => {
    const group = batch;
    batch = [];
    const offset = await abortable(sink.ingestRecordsOffset(group), signal);
    records += group.length;
    if (offset !== null) lastOffset = offset;
  };

  try {
    for (;;) {
      throwIfAborted(signal, "ingestAll");
      const step = await abortable(Promise.resolve(iterator.next()), signal);
      if (step.done) break;
      if (batchSize === 1) {
        lastOffset = await abortable(sink.ingestRecordOffset(step.value), signal);
        records++;
      } else {
        batch.push(step.value);
        if (batch.length === batchSize) await sendBatch();
      }
    }
    finished = true;
    if (batch.length > 0) await sendBatch();
  } finally {
    // Stop the source on any early exit, so a generator's `finally` runs; never wait on it (it may be stuck).
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
  if (options.flush ?? true) await abortable(sink.flush(), signal);
  return { records, lastOffset };
}
