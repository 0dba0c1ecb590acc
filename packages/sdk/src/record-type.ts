/**
 * The record format of a stream, in the spellings of both official APIs.
 *
 * The two official SDKs disagree on the numbers (PROTOCOL.md §8.2): Python's `RecordType.JSON` is 2 (the
 * wire value) while the official TypeScript `RecordType.Json` is 0. Both spellings live on one object so code
 * written for either SDK keeps working, and {@link resolveRecordType} maps every accepted value to a name so
 * nothing downstream ever compares numbers.
 */
import { NonRetriableException } from "./errors.js";

/**
 * Record formats: `PROTO`/`JSON` as in the Python SDK (1 and 2, the wire values) and `Proto`/`Json` as in
 * the official TypeScript SDK (1 and 0).
 */
export const RecordType = Object.freeze({
  /** Protobuf records, Python spelling (wire value 1). */
  PROTO: 1,
  /** JSON records, Python spelling (wire value 2). */
  JSON: 2,
  /** Protobuf records, official TypeScript spelling. */
  Proto: 1,
  /** JSON records, official TypeScript spelling (0, unlike the wire value). */
  Json: 0,
} as const);

/** A value of {@link RecordType}: 0 or 2 for JSON, 1 for protobuf. */
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/**
 * What options accept as a record type: a {@link RecordType} number or a format name (any case at runtime).
 */
export type RecordTypeValue = RecordType | "proto" | "json" | "PROTO" | "JSON";

/** The record format after normalisation. */
export type RecordFormat = "proto" | "json";

/**
 * Normalises a record type given in any supported spelling: 0 and 2 mean JSON, 1 means protobuf, the
 * strings `"proto"` and `"json"` in any case, and `undefined` means protobuf (every SDK's default).
 *
 * Unlike the official TypeScript SDK, which silently treats unknown numbers as protobuf, anything else is
 * rejected: a typo here would otherwise surface much later as a confusing server-side schema error.
 */
export function resolveRecordType(value: unknown): RecordFormat {
  switch (value) {
    case undefined:
    case 1:
      return "proto";
    case 0:
    case 2:
      return "json";
  }
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (lower === "proto" || lower === "json") return lower;
  }
  throw new NonRetriableException(
    `Invalid record type ${describeValue(value)}: expected RecordType.PROTO (1), RecordType.JSON (2), ` +
      `RecordType.Json (0), "proto" or "json"`,
  );
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "(an array)" : "(an object)";
}
