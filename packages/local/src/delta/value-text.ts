/**
 * Text forms of row values used in the Delta log: statistics bounds and partition values
 * (DELTA.md §1.4, §1.5).
 */

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD` of a day count since 1970-01-01; undefined beyond JavaScript's date range. */
export function formatDate(days: number): string | undefined {
  // Split at the T rather than slicing: years beyond 9999 or before 0 have a longer, signed form.
  return isoDate(new Date(days * MS_PER_DAY))?.split("T")[0];
}

/**
 * A microsecond timestamp as ISO text with millisecond precision, rounded down (`floor`) or up (`ceil`)
 * to whole milliseconds, with a `Z` when `utc` (timestamp) and without one for timestamp_ntz.
 * Returns undefined for instants JavaScript dates cannot represent.
 */
export function formatTimestampMs(micros: bigint, rounding: "floor" | "ceil", utc: boolean): string | undefined {
  let ms = micros / 1000n;
  const rest = micros % 1000n;
  if (rounding === "floor" && rest < 0n) ms -= 1n;
  if (rounding === "ceil" && rest > 0n) ms += 1n;
  const text = isoDate(new Date(Number(ms)));
  if (text === undefined) return undefined;
  return utc ? text : text.slice(0, -1);
}

/**
 * A microsecond timestamp as ISO text with all six fractional digits: `2024-01-02T03:04:05.123456Z`
 * (`utc`) or `2024-01-02 03:04:05.123456` (timestamp_ntz, Spark's partition-value spelling).
 */
export function formatTimestampMicros(micros: bigint, utc: boolean): string {
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += 1_000_000n;
  }
  const iso = isoDate(new Date(Number(seconds) * 1000));
  if (iso === undefined) throw new RangeError(`Timestamp ${micros} is outside the representable range`);
  const base = iso.slice(0, iso.lastIndexOf(".")); // drop the milliseconds (and the Z)
  const text = `${base}.${fraction.toString().padStart(6, "0")}`;
  return utc ? `${text}Z` : text.replace("T", " ");
}

/** The decimal text (`-123.45`) of an unscaled value with `scale` fractional digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

// Date#toISOString, but undefined instead of a RangeError for dates outside JavaScript's range.
function isoDate(date: Date): string | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
