/**
 * Date and timestamp text as JSON records carry it. Dates are ISO calendar dates ("2024-02-29");
 * timestamps are ISO-8601 date-times ("2024-02-29T13:45:00.123456Z", a space instead of "T" also works).
 * Fractions finer than a microsecond are truncated, as Spark does. A timestamp without a zone is read as
 * UTC; TIMESTAMP_NTZ values are wall-clock times, so they take no zone other than a literal "Z".
 */
import { quote } from "../text/bounded-text.js";

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const MS_PER_DAY = 86_400_000;

/** Parses "YYYY-MM-DD" into days since 1970-01-01; throws an `Error` explaining a bad date. */
export function parseDateText(text: string): number {
  const match = DATE_TEXT.exec(text);
  if (match === null) throw new Error(`${quote(text)} is not a date in the form YYYY-MM-DD`);
  const ms = utcMillis(text, Number(match[1]), Number(match[2]), Number(match[3]), 0, 0, 0);
  return Math.floor(ms / MS_PER_DAY);
}

/**
 * Parses an ISO-8601 date-time into microseconds since the epoch. `withZone` is false for
 * TIMESTAMP_NTZ, which refuses an explicit offset (a wall-clock time has none).
 */
export function parseTimestampText(text: string, withZone: boolean): bigint {
  const match = TIMESTAMP_TEXT.exec(text);
  if (match === null) {
    throw new Error(`${quote(text)} is not an ISO-8601 timestamp such as 2024-01-31T12:00:00.000000Z`);
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const ms = utcMillis(text, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  const micros = BigInt(ms) * 1000n + BigInt((fraction + "000000").slice(0, 6));
  if (zone === undefined || zone === "Z" || zone === "z") return micros;
  if (!withZone) throw new Error(`${quote(text)} has a zone offset, but timestamp_ntz values are local date-times`);
  const sign = zone.startsWith("-") ? -1n : 1n;
  const digits = zone.slice(1).replace(":", "");
  const hours = BigInt(digits.slice(0, 2));
  const minutes = BigInt(digits.slice(2) || "0");
  if (hours > 23n || minutes > 59n) throw new Error(`${quote(text)} has an invalid zone offset`);
  // Local time = UTC + offset, so UTC = local − offset.
  return micros - sign * (hours * 3600n + minutes * 60n) * 1_000_000n;
}

function utcMillis(text: string, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const back = new Date(0);
  back.setUTCFullYear(y, mo - 1, d);
  back.setUTCHours(h, mi, s, 0);
  const ms = back.getTime();
  // Date.UTC rolls over (Feb 30 → Mar 1); comparing the parts back catches impossible dates and times.
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    throw new Error(`${quote(text)} is not a valid calendar date/time`);
  }
  return ms;
}
