/**
 * Decodes the records of one ingest request (a single record or a batch) into rows, attaching the
 * record's position to any error so the client learns which record and which column were refused.
 */
import type { DeltaField, Row } from "../schema/delta-type.js";
import { decodeJsonRecord } from "./json-record-decoder.js";
import { decodeProtoRecord } from "./proto-record-decoder.js";
import { RecordError } from "./record-error.js";
import type { RecordPlan } from "./record-plan.js";
import { InvalidUtf8Text } from "./utf8-text.js";

/**
 * One record as the wire layer hands it over: protobuf bytes, JSON text, or JSON text whose bytes were
 * not valid UTF-8 (refused by the JSON decoder, naming the column).
 */
export type WireRecord = Uint8Array | string | InvalidUtf8Text;

/** How a stream's records are decoded: chosen once, at create_stream. */
export type RecordFormat = { kind: "proto"; plan: RecordPlan } | { kind: "json"; fields: readonly DeltaField[] };

/** A record of a request that could not become a row. */
export class InvalidRecordError extends Error {
  override readonly name = "InvalidRecordError";
  constructor(
    /** Position of the record within its request (0 for a single-record request). */
    readonly recordIndex: number,
    /** The column path the problem concerns, `""` for the record as a whole. */
    readonly column: string,
    /** The problem, already naming the column. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`record ${recordIndex}: ${reason}`, options);
  }
}

/**
 * Decodes every record of a request (or of one chunk of it, whose first record is the request's
 * `firstIndex`-th); throws `InvalidRecordError` for the first bad one, numbered within the request.
 */
export function decodeRecords(format: RecordFormat, records: ReadonlyArray<WireRecord>, firstIndex = 0): Row[] {
  return records.map((record, j) => {
    const i = firstIndex + j;
    try {
      if (format.kind === "proto") {
        if (!(record instanceof Uint8Array)) throw new RecordError("", "a JSON record was sent on a PROTO stream");
        return decodeProtoRecord(format.plan, record);
      }
      if (record instanceof Uint8Array) throw new RecordError("", "a protobuf record was sent on a JSON stream");
      return decodeJsonRecord(record, format.fields);
    } catch (err) {
      if (err instanceof RecordError) throw new InvalidRecordError(i, err.column, err.message, { cause: err });
      throw err;
    }
  });
}
