/**
 * Turns a request's records into checked rows, all or nothing. Small requests (what SDKs send) are
 * decoded in one step and kept as rows. Big ones are decoded a step at a time with a turn of the event
 * loop in between, so `/health`, acks and other calls are served while millions of records are decoded,
 * and kept column by column until their commit (see `column-chunk.ts`).
 */
import { ColumnChunkBuilder, type ColumnChunk } from "../delta/column-chunk.js";
import { RowValidationError, validateRows } from "../delta/index.js";
import { decodeRecords, type RecordFormat } from "../records/decode-records.js";
import type { DeltaField, Row } from "../schema/delta-type.js";
import type { RecordSource } from "./wire-record-batch.js";

/** Records decoded per step of a big request. */
const DECODE_CHUNK_RECORDS = 8_192;
/**
 * Requests of up to this many records (an SDK's coalesced requests hold about 15,000 small records)
 * are decoded in one step and kept as rows: converting them to columns would cost more than it saves.
 */
const ROWS_PATH_MAX_RECORDS = 32_768;
/** Rows per column chunk of a big request (one Parquet file's worth; see `MAX_ROWS_PER_FILE`). */
const COLUMN_CHUNK_ROWS = 131_072;

/** A request's records, checked: as rows, or column by column for a big request. */
export type DecodedRequest = { t: "rows"; rows: Row[] } | { t: "columns"; chunks: ColumnChunk[] };

/**
 * Decodes and validates every record against `fields`. Throws `InvalidRecordError` or
 * `RowValidationError` numbered within the request; stops early (returning nothing) once `cancelled()`.
 */
export async function decodeRequest(format: RecordFormat, fields: readonly DeltaField[], records: RecordSource, cancelled: () => boolean): Promise<DecodedRequest> {
  if (records.count <= ROWS_PATH_MAX_RECORDS) {
    const rows = decodeRecords(format, [...records.chunks(ROWS_PATH_MAX_RECORDS)].flat());
    validateRows(fields, rows);
    return { t: "rows", rows };
  }
  const chunks: ColumnChunk[] = [];
  let builder: ColumnChunkBuilder | undefined;
  let decodedCount = 0;
  for (const chunk of records.chunks(DECODE_CHUNK_RECORDS)) {
    if (decodedCount > 0) await yieldTurn();
    if (cancelled()) return { t: "columns", chunks: [] };
    const decoded = decodeRecords(format, chunk, decodedCount);
    validateChunk(fields, decoded, decodedCount);
    for (let taken = 0; taken < decoded.length; ) {
      builder ??= new ColumnChunkBuilder(fields, Math.min(COLUMN_CHUNK_ROWS, records.count - decodedCount - taken));
      taken += builder.add(decoded, taken);
      if (builder.full) {
        chunks.push(builder.build());
        builder = undefined;
      }
    }
    decodedCount += decoded.length;
  }
  if (builder !== undefined) chunks.push(builder.build());
  return { t: "columns", chunks };
}

// Checks a chunk's rows, numbering a bad row within the whole request.
function validateChunk(fields: readonly DeltaField[], rows: Row[], firstIndex: number): void {
  try {
    validateRows(fields, rows);
  } catch (err) {
    if (err instanceof RowValidationError && firstIndex > 0) {
      const problem = err.message.slice(err.message.indexOf(": ") + 2);
      throw new RowValidationError(err.rowIndex + firstIndex, err.columnPath, problem);
    }
    throw err;
  }
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
