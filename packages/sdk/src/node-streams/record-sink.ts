/**
 * The part of a stream that the Node-streams adapters use. `ZerobusStream` has it; keeping the adapters on
 * this small interface lets them be tested with a fake and keeps them out of the engine's way.
 */
import { NonRetriableException } from "../errors.js";

/** Something records can be ingested into: a `ZerobusStream`, or anything with the same four methods. */
export interface RecordSink {
  /** Ingests one record; resolves with its offset once it is admitted (backpressure waits here). */
  ingestRecordOffset(record: unknown): Promise<bigint>;
  /** Ingests records as one batch; resolves with the batch's offset once admitted, `null` for none. */
  ingestRecordsOffset(records: readonly unknown[]): Promise<bigint | null>;
  /** Waits until everything ingested so far is acknowledged. */
  flush(): Promise<void>;
  /** Flushes, then closes the stream. */
  close(): Promise<void>;
}

/** What an adapter did: how many records it handed to the stream and the offset of its last call. */
export interface IngestSummary {
  /** Records ingested (a batch counts its records). */
  readonly records: number;
  /** Logical offset of the last ingest call, or `null` if nothing was ingested. */
  readonly lastOffset: bigint | null;
}

/** How many records go in one ingest call; validated once, by the adapters. */
export function resolveBatchSize(value: unknown, name = "batchSize"): number {
  if (value === undefined) return 1;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new NonRetriableException(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
