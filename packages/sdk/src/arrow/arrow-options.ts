/**
 * Arrow stream configuration: the official names and defaults (ARROW-FLIGHT.md §4, §6), Python's snake_case
 * names as aliases, and the zerobus-ts additions. {@link resolveArrowStreamOptions} is the only place that
 * reads user input; the stream sees a complete, validated {@link ResolvedArrowStreamOptions}.
 */
import { NonRetriableException } from "../errors.js";
import { SILENT_LOG, toLog, type Log, type LoggerLike } from "../logging/log.js";
import { validateMeterOptions } from "../metrics/resolve-meter.js";
import type { OtelMeter, OtelMeterProvider } from "../metrics/otel-types.js";
import { IpcCompressionType } from "./arrow-types.js";

/** Options for an Arrow stream. Every field is optional; defaults are in {@link DEFAULT_ARROW_STREAM_OPTIONS}. */
export interface ArrowStreamConfigurationOptions {
  /** Batches (`ingestBatch` calls) that may await their acknowledgment; further calls wait. Default 1,000. */
  maxInflightBatches?: number;
  /** Reconnect and resend automatically after a retriable failure. Default `true`. */
  recovery?: boolean;
  /** Time limit of one connection attempt (headers, call, ready signal), in ms. Default 15,000. */
  recoveryTimeoutMs?: number;
  /** Pause between connection attempts, in ms. Default 2,000. */
  recoveryBackoffMs?: number;
  /** Connection attempts after the first one, per (re)connection. Default 4. */
  recoveryRetries?: number;
  /** Reconnect when batches are in flight and no ack arrived for this long, in ms. Default 60,000. */
  serverLackOfAckTimeoutMs?: number;
  /** Time limit of `flush()`, `waitForOffset()` and the flush inside `close()`, in ms. Default 300,000. */
  flushTimeoutMs?: number;
  /** Time limit of the connection and of the wait for the server's ready signal, in ms. Default 30,000. */
  connectionTimeoutMs?: number;
  /**
   * Compression of the frames' bodies: {@link IpcCompressionType.Lz4Frame} or {@link IpcCompressionType.Zstd}.
   * Default none; any other value means none, as in the official SDK.
   */
  ipcCompression?: IpcCompressionType | number | null | undefined;
  /**
   * Upper bound, in ms, on how long the stream keeps receiving acks after the server announces it will
   * close the stream, before reconnecting. Default: the server's announced duration; 0 reconnects at once.
   */
  streamPausedMaxWaitTimeMs?: number | undefined;
  /**
   * zerobus-ts only. Bytes of Arrow IPC data that may await acknowledgment; further `ingestBatch` calls wait.
   * Default 64 MiB, which keeps memory bounded whatever `maxInflightBatches` allows (a batch larger than this
   * is admitted alone).
   */
  maxInflightBytes?: number;
  /** zerobus-ts only. Where the stream logs connects, recoveries and failures (never per batch). Default: silent. */
  logger?: LoggerLike | undefined;
  /** zerobus-ts only. An OpenTelemetry `Meter` to report the stream's metrics on. */
  meter?: OtelMeter | undefined;
  /** zerobus-ts only. An OpenTelemetry `MeterProvider`, or `"global"` for the globally registered one. */
  meterProvider?: OtelMeterProvider | "global" | undefined;
}

/** Arrow stream options after defaults and validation. */
export interface ResolvedArrowStreamOptions {
  /** See {@link ArrowStreamConfigurationOptions.maxInflightBatches}. */
  readonly maxInflightBatches: number;
  /** See {@link ArrowStreamConfigurationOptions.recovery}. */
  readonly recovery: boolean;
  /** See {@link ArrowStreamConfigurationOptions.recoveryTimeoutMs}. */
  readonly recoveryTimeoutMs: number;
  /** See {@link ArrowStreamConfigurationOptions.recoveryBackoffMs}. */
  readonly recoveryBackoffMs: number;
  /** See {@link ArrowStreamConfigurationOptions.recoveryRetries}. */
  readonly recoveryRetries: number;
  /** See {@link ArrowStreamConfigurationOptions.serverLackOfAckTimeoutMs}. */
  readonly serverLackOfAckTimeoutMs: number;
  /** See {@link ArrowStreamConfigurationOptions.flushTimeoutMs}. */
  readonly flushTimeoutMs: number;
  /** See {@link ArrowStreamConfigurationOptions.connectionTimeoutMs}. */
  readonly connectionTimeoutMs: number;
  /** The body compression, or `undefined` for none. */
  readonly ipcCompression: IpcCompressionType | undefined;
  /** See {@link ArrowStreamConfigurationOptions.streamPausedMaxWaitTimeMs}. */
  readonly streamPausedMaxWaitTimeMs: number | undefined;
  /** See {@link ArrowStreamConfigurationOptions.maxInflightBytes}. */
  readonly maxInflightBytes: number;
  /** The `logger` option adapted to the SDK's internal log. */
  readonly logger: Log;
  /** See {@link ArrowStreamConfigurationOptions.meter}. */
  readonly meter: OtelMeter | undefined;
  /** See {@link ArrowStreamConfigurationOptions.meterProvider}. */
  readonly meterProvider: OtelMeterProvider | "global" | undefined;
}

/** The defaults: the official SDK's (ARROW-FLIGHT.md §4), plus the zerobus-ts memory bound. */
export const DEFAULT_ARROW_STREAM_OPTIONS: Readonly<ResolvedArrowStreamOptions> = Object.freeze({
  maxInflightBatches: 1_000,
  recovery: true,
  recoveryTimeoutMs: 15_000,
  recoveryBackoffMs: 2_000,
  recoveryRetries: 4,
  serverLackOfAckTimeoutMs: 60_000,
  flushTimeoutMs: 300_000,
  connectionTimeoutMs: 30_000,
  ipcCompression: undefined,
  streamPausedMaxWaitTimeMs: undefined,
  maxInflightBytes: 64 * 1024 * 1024,
  logger: SILENT_LOG,
  meter: undefined,
  meterProvider: undefined,
});

type OptionName = keyof ArrowStreamConfigurationOptions;

const SNAKE_CASE: Readonly<Record<string, OptionName>> = {
  max_inflight_batches: "maxInflightBatches",
  recovery_timeout_ms: "recoveryTimeoutMs",
  recovery_backoff_ms: "recoveryBackoffMs",
  recovery_retries: "recoveryRetries",
  server_lack_of_ack_timeout_ms: "serverLackOfAckTimeoutMs",
  flush_timeout_ms: "flushTimeoutMs",
  connection_timeout_ms: "connectionTimeoutMs",
  ipc_compression: "ipcCompression",
  stream_paused_max_wait_time_ms: "streamPausedMaxWaitTimeMs",
  max_inflight_bytes: "maxInflightBytes",
  meter_provider: "meterProvider",
};

const KNOWN = new Set<string>(Object.keys(DEFAULT_ARROW_STREAM_OPTIONS));

function integer(name: string, value: unknown, min: number): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
    const expected = min > 0 ? "a positive integer" : "a non-negative integer";
    throw new NonRetriableException(`Invalid Arrow stream option '${name}': expected ${expected}, got ${String(value)}`);
  }
  return n;
}

/** Checks one option's value and returns it in canonical form. */
function validate(canonical: OptionName, given: string, value: unknown): unknown {
  switch (canonical) {
    case "maxInflightBatches":
    case "maxInflightBytes":
    case "recoveryTimeoutMs":
    case "serverLackOfAckTimeoutMs":
    case "flushTimeoutMs":
    case "connectionTimeoutMs":
      return integer(given, value, 1);
    case "recoveryBackoffMs":
    case "recoveryRetries":
      return integer(given, value, 0);
    case "streamPausedMaxWaitTimeMs":
      return value === null ? undefined : integer(given, value, 0);
    case "recovery":
      if (typeof value !== "boolean") throw new NonRetriableException(`Invalid Arrow stream option '${given}': expected a boolean`);
      return value;
    case "ipcCompression":
      // As in the official SDK, a value other than the two codecs means no compression.
      return value === IpcCompressionType.Lz4Frame || value === IpcCompressionType.Zstd ? value : undefined;
    case "logger":
      return toLog(value as LoggerLike);
    case "meter":
    case "meterProvider":
      return value;
  }
}

/**
 * Applies defaults and validates. Accepts the official camelCase names and Python's snake_case names; a
 * negative, non-numeric or unknown option throws {@link NonRetriableException} naming it.
 */
export function resolveArrowStreamOptions(options: unknown): ResolvedArrowStreamOptions {
  if (options === undefined || options === null) return DEFAULT_ARROW_STREAM_OPTIONS;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new NonRetriableException(`Arrow stream options must be an object, got ${typeof options}`);
  }
  const resolved: Record<string, unknown> = { ...DEFAULT_ARROW_STREAM_OPTIONS };
  for (const [given, value] of Object.entries(options)) {
    const canonical = SNAKE_CASE[given] ?? (KNOWN.has(given) ? (given as OptionName) : undefined);
    if (!canonical) throw new NonRetriableException(`Unknown Arrow stream option '${given}'`);
    if (value === undefined) continue;
    resolved[canonical] = validate(canonical, given, value);
  }
  validateMeterOptions(resolved as { meter?: OtelMeter; meterProvider?: OtelMeterProvider | "global" });
  return Object.freeze(resolved) as unknown as ResolvedArrowStreamOptions;
}
