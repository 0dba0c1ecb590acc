/**
 * The `logger` option: whatever logger the application passes (`console`, pino, bunyan, winston, or any
 * object with `debug`/`info`/`warn`/`error`) becomes one internal {@link Log} that the SDK calls with a
 * message and structured fields. Without a logger the SDK is silent and building fields costs nothing
 * (check {@link Log.enabled} first).
 *
 * The two calling conventions differ: pino and bunyan take `(fields, message)`, console and winston take
 * `(message, ...args)`. The style is detected once (a `child()` method plus pino's `bindings()` or bunyan's
 * `fields` means fields first) and can be forced. A logger that throws never breaks the stream.
 */

import { NonRetriableException } from "../errors.js";

/** Severity of a log event, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Anything with the usual level methods. A missing method falls back to a neighbour of at least its
 * severity (`warn` ↔ `error`), then to `log`; a missing `debug` is never promoted to `info` (that would turn
 * a quiet logger noisy), so without `debug` or `log` debug events are dropped.
 */
export interface LoggerLike {
  /** Debug-level output. */
  debug?: (...args: any[]) => unknown;
  /** Info-level output. */
  info?: (...args: any[]) => unknown;
  /** Warning output. */
  warn?: (...args: any[]) => unknown;
  /** Error output. */
  error?: (...args: any[]) => unknown;
  /** Fallback used by console-style loggers without a level method. */
  log?: (...args: any[]) => unknown;
}

/** Structured fields of a log event. */
export type LogFields = Record<string, unknown>;

/** How to call the user's logger. */
export type LoggerStyle = "auto" | "fields-first" | "message-first";

/** Options of {@link toLog}. */
export interface LogOptions {
  /** Events below this level are dropped before reaching the logger. Default `"debug"` (let the logger filter). */
  level?: LogLevel | "silent";
  /** Calling convention; `"auto"` (default) detects pino/bunyan (fields first) versus console (message first). */
  style?: LoggerStyle;
  /** Prefix of every message in message-first style, e.g. `"zerobus:"`. Default `"[zerobus]"`. */
  prefix?: string;
}

/** The SDK's internal logger. */
export interface Log {
  /** `false` for the silent log: callers skip building fields altogether. */
  readonly enabled: boolean;
  /** Whether events of `level` reach the logger. */
  isEnabled(level: LogLevel): boolean;
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel | "silent", number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const noop = (): void => {};

/** Which of the logger's methods serve each level, in order of preference. */
const METHODS: Readonly<Record<LogLevel, ReadonlyArray<keyof LoggerLike>>> = {
  debug: ["debug", "log"],
  info: ["info", "log"],
  warn: ["warn", "error", "log"],
  error: ["error", "warn", "log"],
};

/** The log used when no logger is given: drops everything. */
export const SILENT_LOG: Log = Object.freeze({
  enabled: false,
  isEnabled: () => false,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});

/** Whether a logger takes `(fields, message)`: pino (`bindings()`) and bunyan (`fields`), both with `child()`. */
export function isFieldsFirstLogger(logger: object): boolean {
  const l = logger as { child?: unknown; bindings?: unknown; fields?: unknown };
  if (typeof l.child !== "function") return false;
  return typeof l.bindings === "function" || (typeof l.fields === "object" && l.fields !== null);
}

type Emit = (message: string, fields: LogFields | undefined) => void;

function emitterFor(logger: LoggerLike, level: LogLevel, fieldsFirst: boolean, prefix: string): Emit | undefined {
  const method = METHODS[level].map((name) => logger[name]).find((m) => typeof m === "function");
  if (method === undefined) return undefined;
  const fn = method.bind(logger);
  const text = prefix === "" ? (m: string) => m : (m: string) => `${prefix} ${m}`;
  return (message, fields) => {
    try {
      if (fieldsFirst) fn(fields ?? {}, message);
      else if (fields === undefined) fn(text(message));
      else fn(text(message), fields);
    } catch {
      // A broken logger must not break ingestion.
    }
  };
}

/**
 * Adapts a user logger to a {@link Log}. `undefined`/`null` gives {@link SILENT_LOG}; anything that is not
 * an object with at least one level method (or `log`) is a {@link NonRetriableException}, like every bad option.
 */
export function toLog(logger: LoggerLike | undefined | null, options: LogOptions = {}): Log {
  if (logger === undefined || logger === null) return SILENT_LOG;
  const min = RANK[options.level ?? "debug"];
  if (min === undefined) throw new NonRetriableException(`Invalid log level ${String(options.level)}`);
  if (min === RANK.silent) return SILENT_LOG;
  if (typeof logger !== "object" && typeof logger !== "function") {
    throw new NonRetriableException(`logger must be an object with debug/info/warn/error methods, got ${typeof logger}`);
  }
  const style = options.style ?? "auto";
  const fieldsFirst = style === "fields-first" || (style === "auto" && isFieldsFirstLogger(logger));
  const prefix = options.prefix ?? "[zerobus]";
  const emitters = new Map<LogLevel, Emit>();
  for (const level of LEVELS) {
    const emit = RANK[level] >= min ? emitterFor(logger, level, fieldsFirst, prefix) : undefined;
    if (emit) emitters.set(level, emit);
  }
  if (emitters.size === 0 && min === 0) {
    throw new NonRetriableException("logger must have at least one of debug, info, warn, error or log");
  }
  const at = (level: LogLevel) => emitters.get(level) ?? noop;
  return {
    enabled: emitters.size > 0,
    isEnabled: (level) => emitters.has(level),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
