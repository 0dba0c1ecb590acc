/** Options of `DeltaTableWriter.open`. */
export interface DeltaTableWriterOptions {
  /** Flush once this many rows are queued. Default 50 000. */
  maxRows?: number;
  /** Flush once the queued rows' estimated in-memory size reaches this many bytes. Default 8 MiB. */
  maxBytes?: number;
  /**
   * Flush at most this many milliseconds after the first append of a batch. Default 100: long enough
   * to group the appends of many concurrent streams into one commit, short enough for ack latency.
   */
  maxDelayMs?: number;
  /**
   * Write a checkpoint every this many commits (at versions that are multiples of it). Default 10,
   * as Spark; the table property `delta.checkpointInterval`, when set, takes precedence.
   */
  checkpointInterval?: number;
}

/** The defaults of {@link DeltaTableWriterOptions}. */
export const DEFAULT_DELTA_TABLE_WRITER_OPTIONS: Readonly<Required<DeltaTableWriterOptions>> = Object.freeze({
  maxRows: 50_000,
  maxBytes: 8 * 1024 * 1024,
  maxDelayMs: 100,
  checkpointInterval: 10,
});

/**
 * Fills in defaults and validates: every option must be a positive integer (`maxDelayMs` may be 0).
 *
 * @throws RangeError naming the bad option.
 */
export function resolveDeltaTableWriterOptions(options: DeltaTableWriterOptions = {}): Required<DeltaTableWriterOptions> {
  const resolved = { ...DEFAULT_DELTA_TABLE_WRITER_OPTIONS, ...stripUndefined(options) };
  for (const key of ["maxRows", "maxBytes", "checkpointInterval"] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new RangeError(`DeltaTableWriterOptions.${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  if (!Number.isSafeInteger(resolved.maxDelayMs) || resolved.maxDelayMs < 0) {
    throw new RangeError(`DeltaTableWriterOptions.maxDelayMs must be a non-negative integer, got ${resolved.maxDelayMs}`);
  }
  return resolved;
}

function stripUndefined(options: DeltaTableWriterOptions): DeltaTableWriterOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** The checkpoint interval in force: `delta.checkpointInterval` when it is a positive integer, else the option. */
export function effectiveCheckpointInterval(configuration: Record<string, string>, fallback: number): number {
  const value = Number(configuration["delta.checkpointInterval"]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}
