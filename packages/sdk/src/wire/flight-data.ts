/**
 * Arrow Flight messages, hand-encoded (ARROW-FLIGHT.md §1): `FlightData` out (field 2 `data_header`, field 3
 * `app_metadata`, field 1000 `data_body`; no descriptor, ever) and `PutResult` in (field 1 `app_metadata`,
 * the JSON acknowledgment). A data frame is handed to grpc-js as a {@link GatheredMessage}, so its body is
 * copied once, by grpc-js's framing (a body laid out from columns is written there directly).
 */
import { readVarint, varintSize, writeVarint } from "./varint.js";
import { GatheredMessage, type PieceWriter } from "./gathered-message.js";
import type { StreamResponse } from "./response-decoder.js";

const DATA_HEADER_KEY = 0x12; // field 2, length-delimited
const APP_METADATA_KEY = 0x1a; // field 3, length-delimited
const DATA_BODY_KEY = [0xc2, 0x3e]; // field 1000, length-delimited

/** A body written straight into the request (a frame laid out from columns as it is sent), not copied from bytes. */
export interface BodyWriter extends PieceWriter {
  /** Whether the memory the body is read from is still as it was at ingest (not detached or resized). */
  intact(): boolean;
}

const fieldSize = (keyBytes: number, length: number): number => (length === 0 ? 0 : keyBytes + varintSize(length) + length);

/** Bytes of a `FlightData` message up to its body: `data_header`, `app_metadata`, and the body's key and length. */
function prefixLength(header: Uint8Array, metadataLength: number, bodyLength: number): number {
  return fieldSize(1, header.length) + fieldSize(1, metadataLength) + fieldSize(2, bodyLength) - bodyLength;
}

/** Writes the prefix `prefixLength` measured into `out` (exactly its size). */
function writePrefix(out: Buffer, header: Uint8Array, appMetadata: string | undefined, metadataLength: number, bodyLength: number): void {
  let pos = 0;
  if (header.length > 0) {
    out[pos++] = DATA_HEADER_KEY;
    pos = writeVarint(out, pos, header.length);
    out.set(header, pos);
    pos += header.length;
  }
  if (metadataLength > 0) {
    out[pos++] = APP_METADATA_KEY;
    pos = writeVarint(out, pos, metadataLength);
    pos += out.write(appMetadata!, pos, "latin1");
  }
  if (bodyLength > 0) {
    out[pos++] = DATA_BODY_KEY[0]!;
    out[pos++] = DATA_BODY_KEY[1]!;
    writeVarint(out, pos, bodyLength);
  }
}

/**
 * The schema frame's `FlightData`: its `data_header` alone (no metadata, no body), in memory of its own,
 * since it is written again on every connection.
 */
export function encodeSchemaFrame(schemaMessage: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(prefixLength(schemaMessage, 0, 0));
  writePrefix(out, schemaMessage, undefined, 0, 0);
  return out;
}

/**
 * A `FlightData` data frame as a {@link GatheredMessage}: a small prefix (header, metadata, body key) and
 * the body itself, which is not copied until grpc-js frames the message.
 */
export function gatherFlightData(header: Uint8Array, body: Uint8Array | BodyWriter, appMetadata: string): GatheredMessage {
  const metadataLength = Buffer.byteLength(appMetadata, "latin1");
  const prefix = Buffer.allocUnsafe(prefixLength(header, metadataLength, body.length));
  writePrefix(prefix, header, appMetadata, metadataLength, body.length);
  return new GatheredMessage([prefix, body]);
}

/** The app_metadata of a data frame: its connection-local offset. */
export const frameMetadata = (offset: number): string => `{"offset_id":${offset}}`;

function appMetadataOf(message: Uint8Array): Uint8Array | undefined {
  let pos = 0;
  let found: Uint8Array | undefined;
  while (pos < message.length) {
    const key = readVarint(message, pos);
    pos = key.next;
    const wireType = Number(key.value & 7n);
    if (wireType === 0) pos = readVarint(message, pos).next;
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = readVarint(message, pos);
      const end = length.next + Number(length.value);
      if (end > message.length) throw new RangeError("truncated field");
      if (key.value >> 3n === 1n) found = message.subarray(length.next, end);
      pos = end;
    } else throw new RangeError(`unsupported wire type ${wireType}`);
  }
  return found;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

/**
 * Decodes one `PutResult`. Never throws: metadata that is missing or not the acknowledgment JSON becomes
 * `{ kind: "ignored" }` (skipped mid-stream, refused while waiting for the ready signal, as in §3).
 */
export function decodePutResult(message: Buffer): StreamResponse {
  let json: unknown;
  try {
    const metadata = appMetadataOf(message);
    if (!metadata || metadata.length === 0) return { kind: "ignored", reason: "PutResult without app_metadata" };
    json = JSON.parse(Buffer.from(metadata.buffer, metadata.byteOffset, metadata.length).toString("utf8"));
  } catch (err) {
    return { kind: "ignored", reason: `PutResult metadata does not parse: ${(err as Error).message}` };
  }
  const ack = json as { ack_up_to_offset?: unknown; ack_up_to_records?: unknown; close_stream_duration_ms?: unknown } | null;
  if (!ack || !isCount(ack.ack_up_to_offset) || !isCount(ack.ack_up_to_records) || ack.ack_up_to_records < 0) {
    return { kind: "ignored", reason: "PutResult metadata lacks ack_up_to_offset/ack_up_to_records" };
  }
  const close = ack.close_stream_duration_ms;
  return {
    kind: "rowsAck",
    ackUpToOffset: ack.ack_up_to_offset,
    ackUpToRecords: ack.ack_up_to_records,
    closeAfterMs: isCount(close) && close >= 0 ? close : undefined,
  };
}
