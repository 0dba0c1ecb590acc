/**
 * JSON parsing that keeps large integers exact. Delta logs carry longs (`txn.version`, sizes,
 * statistics) that Spark writes as plain JSON numbers; `JSON.parse` rounds any integer beyond 2^53.
 * Here an integer literal that is not a safe integer becomes a `bigint`; every other value is what
 * `JSON.parse` would give.
 */

import { JsonNumber, JsonSyntaxError, readJson, type JsonValue } from "../json/json-reader.js";

/** A parsed JSON value: JSON.parse's result, with unsafe integers as bigints. */
export type LosslessJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | LosslessJsonValue[]
  | { [key: string]: LosslessJsonValue };

// An integer with at most 15 digits is always safe, so text without a longer digit run can go
// through the (much faster) native parser unchanged.
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON text, returning unsafe integers (beyond ±(2^53 − 1)) as bigints.
 *
 * @throws SyntaxError for text that is not valid JSON.
 */
export function parseLosslessJson(text: string): LosslessJsonValue {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text) as LosslessJsonValue;
  let value: JsonValue;
  try {
    value = readJson(text, { lenient: true });
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new SyntaxError(err.message);
    throw err;
  }
  return toLossless(value);
}

/** The exact reader's value as `JSON.parse` would give it, except that unsafe integers become bigints. */
function toLossless(value: JsonValue): LosslessJsonValue {
  if (value instanceof JsonNumber) {
    const number = Number(value.text);
    return value.isInteger && !Number.isSafeInteger(number) ? BigInt(value.text) : number;
  }
  if (Array.isArray(value)) return value.map(toLossless);
  if (value instanceof Map) {
    const out: { [key: string]: LosslessJsonValue } = {};
    // defineProperty, not assignment: a "__proto__" member must become a key, not a new prototype.
    for (const [key, member] of value) Object.defineProperty(out, key, { value: toLossless(member), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
