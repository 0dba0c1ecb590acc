/**
 * Value ranges of Delta's integral types. Protobuf has no 8- or 16-bit integers, so byte and short
 * columns arrive as int32 (and JSON numbers have no width at all): every decoder checks the value against
 * the column's own range instead of letting the Parquet writer wrap it silently.
 */
import { clip } from "../text/bounded-text.js";

/** The Delta integral types a decoder range-checks. */
export type IntegralTypeName = "byte" | "short" | "integer" | "long" | "date";

const RANGES: Readonly<Record<IntegralTypeName, readonly [bigint, bigint]>> = Object.freeze({
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
  // Days since the epoch are stored as a 32-bit integer in Parquet.
  date: [-2147483648n, 2147483647n],
});

/** Returns the value's problem in words, or `undefined` when it fits the type. */
export function integralRangeProblem(type: IntegralTypeName, value: bigint): string | undefined {
  const [min, max] = RANGES[type];
  if (value < min || value > max) return `value ${clip(String(value))} does not fit ${type} (range ${min}..${max})`;
  return undefined;
}

/** The signed 64-bit range, for timestamps and decimals carried as int64. */
export const INT64_MIN = RANGES.long[0];
/** Upper end of the signed 64-bit range. */
export const INT64_MAX = RANGES.long[1];
