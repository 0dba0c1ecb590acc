/**
 * The JSON a DoPut's PutResults carry (ARROW-FLIGHT.md §3): the ready signal, cumulative acks of frames
 * and rows, and the rotation request. Compact JSON, exactly as the official mock server writes it.
 */
import { encodePutResult } from "./flight-wire.js";

/** A cumulative acknowledgement: the last durable frame offset and the rows of frames 0…offset. */
export interface FlightAck {
  offset: bigint;
  records: number;
}

/** The ready signal: sent once the schema frame is accepted, before any data frame is read. */
export const READY_ACK: FlightAck = Object.freeze({ offset: -1n, records: 0 });

/** A PutResult acknowledging `ack`, with a rotation request when `closeStreamDurationMs` is given. */
export function putResultFor(ack: FlightAck, closeStreamDurationMs?: number): Buffer {
  const close = closeStreamDurationMs === undefined ? "" : `,"close_stream_duration_ms":${Math.max(0, Math.round(closeStreamDurationMs))}`;
  return encodePutResult(Buffer.from(`{"ack_up_to_offset":${ack.offset},"ack_up_to_records":${ack.records}${close}}`));
}

/**
 * Reads a data frame's `{"offset_id":N}`; `undefined` when the metadata is not that (a non-negative
 * integer `offset_id`).
 */
export function parseOffsetId(appMetadata: Uint8Array): bigint | undefined {
  if (appMetadata.length === 0 || appMetadata.length > 256) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(appMetadata.buffer, appMetadata.byteOffset, appMetadata.length).toString("utf8"));
  } catch {
    return undefined;
  }
  const value = (parsed as { offset_id?: unknown } | null)?.offset_id;
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}
