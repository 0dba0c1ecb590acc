/**
 * Durations on the command line: `250ms`, `30s`, `15m`, `2h`, `1.5s`, or a bare number of milliseconds.
 */
import { UsageError } from "./cli-error.js";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a positive duration into milliseconds; a `UsageError` naming `flag` otherwise. */
export function parseDurationMs(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * UNIT_MS[match[2] ?? "ms"]!;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--${flag} must be a positive duration such as 30s, 15m, 2h or a number of milliseconds, got '${text}'`);
  }
  return ms;
}
