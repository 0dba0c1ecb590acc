/**
 * Stream configuration: every Python SDK option in camelCase with the Python defaults, plus the official
 * TypeScript SDK's names and Python's snake_case names as aliases. {@link resolveStreamOptions} is the
 * only place that reads user input; everything after it sees a complete, validated {@link ResolvedStreamOptions}.
 */
import { boundedText } from "./bounded-text.js";
import { NonRetriableException } from "./errors.js";
import type { AckCallback } from "./ack-callback.js";
import { SILENT_LOG, toLog, type Log, type LoggerLike } from "./logging/log.js";
import type { OtelMeter, OtelMeterProvider } from "./metrics/otel-types.js";
import { validateMeterOptions } from "./metrics/resolve-meter.js";
import { resolveRecordType, type RecordTypeValue } from "./record-type.js";

/** Options for a stream. Every field is optional; defaults are in {@link DEFAULT_STREAM_OPTIONS}. */
export interface StreamConfigurationOptions {
  /**
   * Records (not requests) that may be ingested but not yet acknowledged; further ingest calls wait.
   * Default 50,000 (Python). Aliases: `maxInflightRequests` (official TS), `max_inflight_records`.
   */
  maxInflightRecords?: number;
  /** Reconnect and resend automatically after a retriable failure. Default `true`. */
  recovery?: boolean;
  /** Time limit of one connection attempt (headers, call, create response), in ms. Default 15,000. */
  recoveryTimeoutMs?: number;
  /** Pause between connection attempts, in ms. Default 2,000. */
  recoveryBackoffMs?: number;
  /** Connection attempts after the first one, per (re)connection. Default 3 (Python). */
  recoveryRetries?: number;
  /** Reconnect when records are in flight and no ack arrived for this long, in ms. Default 60,000. */
  serverLackOfAckTimeoutMs?: number;
  /** Time limit of `flush()`, `waitForOffset()` and the flush inside `close()`, in ms. Default 300,000. */
  flushTimeoutMs?: number;
  /**
   * Record format: `RecordType.PROTO` (default) or `RecordType.JSON`; the official TS values (0 = JSON,
   * 1 = PROTO) and the wire's (2 = JSON) are accepted too.
   */
  recordType?: RecordTypeValue;
  /**
   * Upper bound, in ms, on how long the stream keeps receiving acks after the server announces it will
   * close the stream, before reconnecting. Default: the server's announced duration; 0 reconnects at once.
   */
  streamPausedMaxWaitTimeMs?: number | undefined;
  /** Called as acks arrive, with the highest acknowledged logical offset (see {@link AckCallback}). */
  ackCallback?: AckCallback | undefined;
  /** Accepted for Python compatibility; callbacks run inline here, so there is nothing to wait for. */
  callbackMaxWaitTimeMs?: number | undefined;
  /**
   * zerobus-ts only. Consecutive single-record ingest calls made while earlier requests are in flight are
   * sent together as one batch request of at most this many records (each keeps its own offset and ack).
   * Default 10,000; 1 turns coalescing off.
   */
  maxRecordsPerRequest?: number;
  /**
   * zerobus-ts only. Byte limit of a coalesced request. Default 256 KiB (the service accepts 10 MiB): such a
   * request leaves within a few HTTP/2 flow-control windows; larger ones were no faster on the bench, and
   * their buffers waited in memory longer.
   */
  maxBytesPerRequest?: number;
  /**
   * zerobus-ts only. Where the stream logs connects, recoveries, close signals and failures (never per
   * record): `console`, a pino/bunyan/winston logger, or any object with debug/info/warn/error. Default: silent.
   */
  logger?: LoggerLike | undefined;
  /** zerobus-ts only. An OpenTelemetry `Meter` to report the stream's metrics on (see docs/integrations.md). */
  meter?: OtelMeter | undefined;
  /** zerobus-ts only. An OpenTelemetry `MeterProvider`, or `"global"` for the globally registered one. */
  meterProvider?: OtelMeterProvider | "global" | undefined;
}

/**
 * Python-style construction of the same options: `new StreamConfigurationOptions({ recordType: RecordType.JSON })`.
 * A plain object works everywhere an instance does.
 */
export class StreamConfigurationOptions {
  /** Copies the given options; they are validated when a stream is created. */
  constructor(init: StreamConfigurationOptions = {}) {
    Object.assign(this, init);
  }
}

/** Options after defaults and validation: what the stream engine works with. */
export interface ResolvedStreamOptions {
  /** See {@link StreamConfigurationOptions.maxInflightRecords}. */
  readonly maxInflightRecords: number;
  /** See {@link StreamConfigurationOptions.recovery}. */
  readonly recovery: boolean;
  /** See {@link StreamConfigurationOptions.recoveryTimeoutMs}. */
  readonly recoveryTimeoutMs: number;
  /** See {@link StreamConfigurationOptions.recoveryBackoffMs}. */
  readonly recoveryBackoffMs: number;
  /** See {@link StreamConfigurationOptions.recoveryRetries}. */
  readonly recoveryRetries: number;
  /** See {@link StreamConfigurationOptions.serverLackOfAckTimeoutMs}. */
  readonly serverLackOfAckTimeoutMs: number;
  /** See {@link StreamConfigurationOptions.flushTimeoutMs}. */
  readonly flushTimeoutMs: number;
  /** The record format, normalized from any accepted spelling. */
  readonly recordType: "proto" | "json";
  /** See {@link StreamConfigurationOptions.streamPausedMaxWaitTimeMs}. */
  readonly streamPausedMaxWaitTimeMs: number | undefined;
  /** See {@link StreamConfigurationOptions.ackCallback}. */
  readonly ackCallback: AckCallback | undefined;
  /** See {@link StreamConfigurationOptions.maxRecordsPerRequest}. */
  readonly maxRecordsPerRequest: number;
  /** See {@link StreamConfigurationOptions.maxBytesPerRequest}. */
  readonly maxBytesPerRequest: number;
  /** The `logger` option adapted to the SDK's internal log (silent by default). */
  readonly logger: Log;
  /** See {@link StreamConfigurationOptions.meter}. */
  readonly meter: OtelMeter | undefined;
  /** See {@link StreamConfigurationOptions.meterProvider}. */
  readonly meterProvider: OtelMeterProvider | "global" | undefined;
}

/** The largest message the Zerobus service accepts (PROTOCOL.md §7.6). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** The defaults, from the Python SDK (PROTOCOL.md §8.1). */
export const DEFAULT_STREAM_OPTIONS: Readonly<ResolvedStreamOptions> = Object.freeze({
  maxInflightRecords: 50_000,
  recovery: true,
  recoveryTimeoutMs: 15_000,
  recoveryBackoffMs: 2_000,
  recoveryRetries: 3,
  serverLackOfAckTimeoutMs: 60_000,
  flushTimeoutMs: 300_000,
  recordType: "proto",
  streamPausedMaxWaitTimeMs: undefined,
  ackCallback: undefined,
  logger: SILENT_LOG,
  meter: undefined,
  meterProvider: undefined,
  maxRecordsPerRequest: 10_000,
  maxBytesPerRequest: 256 * 1024,
});

/** Canonical option name for every accepted spelling. */
const OPTION_ALIASES: Readonly<Record<string, keyof StreamConfigurationOptions>> = {
  maxInflightRecords: "maxInflightRecords",
  maxInflightRequests: "maxInflightRecords",
  max_inflight_records: "maxInflightRecords",
  max_inflight_requests: "maxInflightRecords",
  recovery: "recovery",
  recoveryTimeoutMs: "recoveryTimeoutMs",
  recovery_timeout_ms: "recoveryTimeoutMs",
  recoveryBackoffMs: "recoveryBackoffMs",
  recovery_backoff_ms: "recoveryBackoffMs",
  recoveryRetries: "recoveryRetries",
  recovery_retries: "recoveryRetries",
  serverLackOfAckTimeoutMs: "serverLackOfAckTimeoutMs",
  server_lack_of_ack_timeout_ms: "serverLackOfAckTimeoutMs",
  flushTimeoutMs: "flushTimeoutMs",
  flush_timeout_ms: "flushTimeoutMs",
  recordType: "recordType",
  record_type: "recordType",
  streamPausedMaxWaitTimeMs: "streamPausedMaxWaitTimeMs",
  stream_paused_max_wait_time_ms: "streamPausedMaxWaitTimeMs",
  ackCallback: "ackCallback",
  ack_callback: "ackCallback",
  logger: "logger",
  meter: "meter",
  meterProvider: "meterProvider",
  meter_provider: "meterProvider",
  callbackMaxWaitTimeMs: "callbackMaxWaitTimeMs",
  callback_max_wait_time_ms: "callbackMaxWaitTimeMs",
  maxRecordsPerRequest: "maxRecordsPerRequest",
  max_records_per_request: "maxRecordsPerRequest",
  maxBytesPerRequest: "maxBytesPerRequest",
  max_bytes_per_request: "maxBytesPerRequest",
};

const invalid = (name: string, value: unknown, expected: string): NonRetriableException =>
  new NonRetriableException(`Invalid stream option '${name}': expected ${expected}, got ${describe(value)}`);

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return value === null ? "null" : typeof value;
}

function nonNegativeInteger(name: string, value: unknown, min = 0): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
    throw invalid(name, value, min > 0 ? "a positive integer" : "a non-negative integer");
  }
  return n;
}

function validateAckCallback(name: string, value: unknown): AckCallback | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "function") return value as AckCallback;
  if (typeof value === "object") {
    const cb = value as { onAck?: unknown; onError?: unknown; on_ack?: unknown; on_error?: unknown };
    if ([cb.onAck, cb.onError, cb.on_ack, cb.on_error].some((f) => typeof f === "function")) return value as AckCallback;
  }
  throw invalid(name, value, "a function or an object with onAck/onError");
}

/** Checks one option's value and returns it in canonical form. */
function validateOption(canonical: keyof StreamConfigurationOptions, given: string, value: unknown): unknown {
  switch (canonical) {
    case "maxInflightRecords":
    case "maxRecordsPerRequest":
      return nonNegativeInteger(given, value, 1);
    case "maxBytesPerRequest": {
      const bytes = nonNegativeInteger(given, value, 1);
      if (bytes > MAX_MESSAGE_BYTES) throw invalid(given, value, `at most ${MAX_MESSAGE_BYTES} (10 MiB, the service's limit)`);
      return bytes;
    }
    case "recoveryTimeoutMs":
      return nonNegativeInteger(given, value, 1);
    case "flushTimeoutMs":
      return nonNegativeInteger(given, value, 1);
    case "serverLackOfAckTimeoutMs":
      return nonNegativeInteger(given, value, 1);
    case "recoveryBackoffMs":
    case "recoveryRetries":
    case "callbackMaxWaitTimeMs":
      return value === undefined && canonical === "callbackMaxWaitTimeMs" ? undefined : nonNegativeInteger(given, value);
    case "streamPausedMaxWaitTimeMs":
      return value === undefined || value === null ? undefined : nonNegativeInteger(given, value);
    case "recovery":
      if (typeof value !== "boolean") throw invalid(given, value, "a boolean");
      return value;
    case "recordType":
      return resolveRecordType(value);
    case "ackCallback":
      return validateAckCallback(given, value);
    case "logger":
      return toLog(value as LoggerLike);
    case "meter":
    case "meterProvider":
      return value; // checked together in resolveStreamOptions
  }
}

/**
 * Applies defaults and validates. Accepts camelCase, the official TS names and Python's snake_case names.
 * A negative, non-numeric or unknown option throws {@link NonRetriableException} naming it.
 */
export function resolveStreamOptions(options: unknown): ResolvedStreamOptions {
  if (options === undefined || options === null) return DEFAULT_STREAM_OPTIONS;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new NonRetriableException(`Stream options must be an object, got ${describe(options)}`);
  }
  const resolved: Record<string, unknown> = { ...DEFAULT_STREAM_OPTIONS };
  const seen = new Map<string, string>();
  for (const [given, value] of Object.entries(options)) {
    const canonical = OPTION_ALIASES[given];
    if (!canonical) throw new NonRetriableException(`Unknown stream option '${boundedText(given, 100)}'`);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      throw new NonRetriableException(`Stream options '${earlier}' and '${given}' set the same option`);
    }
    seen.set(canonical, given);
    if (value === undefined && canonical !== "streamPausedMaxWaitTimeMs") continue;
    resolved[canonical] = validateOption(canonical, given, value);
  }
  delete resolved["callbackMaxWaitTimeMs"];
  validateMeterOptions(resolved as { meter?: OtelMeter; meterProvider?: OtelMeterProvider | "global" });
  return Object.freeze(resolved) as unknown as ResolvedStreamOptions;
}
