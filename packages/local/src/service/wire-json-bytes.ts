/**
 * The JSON records of a request decoded by protobufjs (single `ingest_record` requests, and batches the
 * fast scan leaves to it), checked for invalid UTF-8. protobufjs decodes `string` fields leniently, so a
 * record holding a U+FFFD is looked up again in the message's bytes (rare: only such records pay).
 */
import protobuf from "protobufjs";
import { jsonRecordText } from "../records/utf8-text.js";
import type { StreamRequest } from "./wire-types.js";

// Field numbers (zerobus_service.proto): EphemeralStreamRequest.ingest_record = 2, .ingest_record_batch = 3;
// IngestRecordRequest.json_record = 3; IngestRecordBatchRequest.json_batch = 3; JsonRecordBatch.records = 1.
const INGEST_RECORD = 2;
const INGEST_BATCH = 3;
const JSON_RECORD = 3;
const JSON_BATCH = 3;
const BATCH_RECORDS = 1;

/** Replaces, in `request`, each JSON record whose bytes in `buffer` are not valid UTF-8 by an `InvalidUtf8Text`. */
export function recheckJsonRecords(request: StreamRequest, buffer: Buffer): void {
  const single = request.ingest_record;
  if (single !== undefined && single !== null && typeof single.json_record === "string" && single.json_record.includes("\uFFFD")) {
    const [bytes] = fieldBytes(buffer, [INGEST_RECORD, JSON_RECORD]);
    if (bytes !== undefined) single.json_record = jsonRecordText(bytes, 0, bytes.length);
  }
  const records = request.ingest_record_batch?.json_batch?.records;
  if (records === undefined || records === null || !records.some((r) => typeof r === "string" && r.includes("\uFFFD"))) return;
  const all = fieldBytes(buffer, [INGEST_BATCH, JSON_BATCH, BATCH_RECORDS]);
  if (all.length !== records.length) return; // not the message protobufjs read: leave it as decoded
  records.forEach((record, i) => {
    if (typeof record === "string" && record.includes("\uFFFD")) records[i] = jsonRecordText(all[i] as Buffer, 0, (all[i] as Buffer).length);
  });
}

/** The bytes of every length-delimited field reached by following `path` (field numbers, outermost first). */
function fieldBytes(buffer: Buffer, path: readonly number[]): Buffer[] {
  let scopes: Buffer[] = [buffer];
  for (const number of path) {
    const next: Buffer[] = [];
    for (const scope of scopes) {
      const reader = protobuf.Reader.create(scope);
      while (reader.pos < reader.len) {
        const tag = reader.uint32();
        if (tag === ((number << 3) | 2)) next.push(reader.bytes() as Buffer);
        else reader.skipType(tag & 7);
      }
    }
    scopes = next;
  }
  return scopes;
}
