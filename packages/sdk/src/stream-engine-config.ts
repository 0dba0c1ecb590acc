/**
 * What a {@link StreamEngine} is built from: its transport, options, wire protocol and backpressure limits.
 * Record streams (`sdk.ts`) and Arrow streams (`arrow/open-arrow-stream.ts`) each fill one in.
 */
import type { ResolvedStreamOptions } from "./options.js";
import type { GrpcChannel } from "./transport/grpc-channel.js";
import type { WireProtocol } from "./wire-protocol.js";
import type { StreamEngine } from "./stream-engine.js";

/** The options the engine reads (record and Arrow streams both resolve theirs into this shape). */
export type EngineOptions = Pick<
  ResolvedStreamOptions,
  | "recovery"
  | "recoveryTimeoutMs"
  | "recoveryBackoffMs"
  | "recoveryRetries"
  | "serverLackOfAckTimeoutMs"
  | "flushTimeoutMs"
  | "streamPausedMaxWaitTimeMs"
  | "ackCallback"
  | "logger"
>;

/** Backpressure: what the in-flight window counts, and the largest single entry accepted. */
export interface EngineLimits {
  /** `"records"` (record streams: `maxInflightRecords`) or `"entries"` (Arrow: `maxInflightBatches`). */
  readonly unit: "records" | "entries";
  /** Units that may await acknowledgment. */
  readonly maxInflight: number;
  /** Bytes that may await acknowledgment (`Infinity` for no bound). */
  readonly maxInflightBytes: number;
  /** The largest entry accepted, in bytes, and what to say about one larger. */
  readonly maxEntryBytes: number;
  readonly entryTooLarge: (bytes: number) => string;
}

/** What the engine needs from the SDK. */
export interface StreamEngineConfig {
  channel: GrpcChannel;
  options: EngineOptions;
  /** How entries become requests and acks map back to them. */
  protocol: WireProtocol;
  limits: EngineLimits;
  getHeaders: (signal: AbortSignal) => Promise<ReadonlyArray<readonly [string, string]>>;
  /** Drops cached credentials after an auth refusal at setup; see `RetryPolicy.invalidateCredentials`. */
  invalidateCredentials?: (() => boolean) | undefined;
  /** The table, for log events. */
  tableName: string;
  /** Called once when the stream ends (closed or failed), e.g. to stop exporting its metrics. */
  onEnded?: (() => void) | undefined;
}

/** The limits of a record stream: records in flight, one message per entry at most. */
export const recordStreamLimits = (maxInflightRecords: number, maxMessageBytes: number): EngineLimits => ({
  unit: "records",
  maxInflight: maxInflightRecords,
  maxInflightBytes: Infinity,
  maxEntryBytes: maxMessageBytes,
  entryTooLarge: (bytes) => `A request of ${bytes} bytes exceeds the service's limit of ${maxMessageBytes} bytes (10 MiB): split the batch`,
});
