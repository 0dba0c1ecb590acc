/**
 * The two Arrow Flight messages DoPut carries (ARROW-FLIGHT.md §1), decoded and encoded by hand: a
 * FlightData frame is four optional fields, and decoding it without a protobuf library keeps the body a
 * view of the received bytes (no copy of a multi-megabyte batch).
 *
 *   FlightData { 1: flight_descriptor, 2: data_header, 3: app_metadata, 1000: data_body }
 *   PutResult  { 1: app_metadata }
 */

/** The full gRPC method path of DoPut. */
export const DO_PUT_PATH = "/arrow.flight.protocol.FlightService/DoPut";

/** One decoded FlightData frame; absent fields are empty views. */
export interface FlightData {
  /** Whether a FlightDescriptor was present (official clients never send one; it is ignored). */
  hasDescriptor: boolean;
  /** The Arrow IPC `Message` flatbuffer, without continuation marker or length prefix. */
  dataHeader: Uint8Array;
  /** JSON `{"offset_id":N}` on data frames. */
  appMetadata: Uint8Array;
  /** The IPC message body (the record batch's buffers). */
  dataBody: Uint8Array;
}

/** A FlightData message that is not valid protobuf. */
export class FlightDataError extends Error {
  override readonly name = "FlightDataError";
}

const EMPTY = new Uint8Array(0);

/** Decodes one FlightData message; throws FlightDataError for bytes that are not one. */
export function decodeFlightData(bytes: Uint8Array): FlightData {
  const frame: FlightData = { hasDescriptor: false, dataHeader: EMPTY, appMetadata: EMPTY, dataBody: EMPTY };
  const reader = { pos: 0 };
  while (reader.pos < bytes.length) {
    const tag = readVarint(bytes, reader);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new FlightDataError(`field number 0 at byte ${reader.pos}`);
    if (wireType === 2) {
      const length = readVarint(bytes, reader);
      const end = reader.pos + length;
      if (end > bytes.length) throw new FlightDataError(`field ${field} claims ${length} bytes but only ${bytes.length - reader.pos} remain`);
      const value = bytes.subarray(reader.pos, end);
      reader.pos = end;
      if (field === 1) frame.hasDescriptor = true;
      else if (field === 2) frame.dataHeader = value;
      else if (field === 3) frame.appMetadata = value;
      else if (field === 1000) frame.dataBody = value;
      continue;
    }
    if (field === 1 || field === 2 || field === 3 || field === 1000) {
      throw new FlightDataError(`field ${field} has wire type ${wireType}, expected 2 (length-delimited)`);
    }
    skipScalar(bytes, reader, wireType, field);
  }
  return frame;
}

/** Encodes `PutResult { app_metadata }`. */
export function encodePutResult(appMetadata: Uint8Array): Buffer {
  const header = [0x0a];
  let length = appMetadata.length;
  while (length >= 0x80) {
    header.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  header.push(length);
  const out = Buffer.allocUnsafe(header.length + appMetadata.length);
  out.set(header, 0);
  out.set(appMetadata, header.length);
  return out;
}

// Varints up to 2^53 are enough here: lengths and tags are far smaller, and a longer one is garbage.
function readVarint(bytes: Uint8Array, reader: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (reader.pos >= bytes.length) throw new FlightDataError("truncated varint");
    const byte = bytes[reader.pos++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 128;
  }
  throw new FlightDataError(`varint too long at byte ${reader.pos}`);
}

function skipScalar(bytes: Uint8Array, reader: { pos: number }, wireType: number, field: number): void {
  if (wireType === 0) readVarint(bytes, reader);
  else if (wireType === 1) reader.pos += 8;
  else if (wireType === 5) reader.pos += 4;
  else throw new FlightDataError(`field ${field} has unsupported wire type ${wireType}`);
  if (reader.pos > bytes.length) throw new FlightDataError(`field ${field} is truncated`);
}
