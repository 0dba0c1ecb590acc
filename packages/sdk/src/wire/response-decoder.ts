/**
 * Decodes `EphemeralStreamResponse` messages (PROTOCOL.md §1.3) into a tagged union. Unknown fields are
 * skipped, as protobuf requires; a payload-less or unparseable message becomes `{ kind: "invalid" }` so
 * the stream can treat it as a protocol violation instead of crashing.
 */
import { readVarint } from "./varint.js";

/** One server message, as the stream engine sees it. */
export type StreamResponse =
  | { kind: "createStream"; streamId: string | undefined }
  | { kind: "ack"; ackUpToOffset: bigint | undefined }
  | { kind: "closeSignal"; durationMs: number }
  | RowsAckResponse
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; reason: string };

/**
 * An Arrow Flight `PutResult` (ARROW-FLIGHT.md §3): cumulative rows made durable on this connection, the
 * last durable frame (-1 for none: the ready signal), and the optional rotation request.
 */
export interface RowsAckResponse {
  readonly kind: "rowsAck";
  readonly ackUpToOffset: number;
  readonly ackUpToRecords: number;
  readonly closeAfterMs: number | undefined;
}

/** One protobuf field as read off the wire: varint fields carry `varint`, length-delimited ones `bytes`. */
export interface Field {
  number: number;
  wireType: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** The fields of a protobuf message, in wire order; throws `RangeError` on a truncated or unsupported field. */
export function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const number = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    switch (wireType) {
      case 0: {
        const v = readVarint(buf, pos);
        pos = v.next;
        yield { number, wireType, varint: v.value };
        break;
      }
      case 1:
        pos += 8;
        yield { number, wireType };
        break;
      case 2: {
        const len = readVarint(buf, pos);
        const start = len.next;
        const end = start + Number(len.value);
        if (end > buf.length || len.value < 0n) throw new RangeError("truncated field");
        pos = end;
        yield { number, wireType, bytes: buf.subarray(start, end) };
        break;
      }
      case 5:
        pos += 4;
        yield { number, wireType };
        break;
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
    if (pos > buf.length) throw new RangeError("truncated field");
  }
}

function decodeCreateResponse(body: Uint8Array): StreamResponse {
  let streamId: string | undefined;
  for (const f of fields(body)) {
    if (f.number === 1 && f.bytes) streamId = Buffer.from(f.bytes).toString("utf8");
  }
  return { kind: "createStream", streamId };
}

function decodeAck(body: Uint8Array): StreamResponse {
  let ackUpToOffset: bigint | undefined;
  for (const f of fields(body)) {
    if (f.number === 1 && f.varint !== undefined) ackUpToOffset = f.varint;
  }
  return { kind: "ack", ackUpToOffset };
}

function decodeDurationMs(body: Uint8Array): number {
  let seconds = 0n;
  let nanos = 0n;
  for (const f of fields(body)) {
    if (f.number === 1 && f.varint !== undefined) seconds = f.varint;
    if (f.number === 2 && f.varint !== undefined) nanos = BigInt.asIntN(32, f.varint);
  }
  return Math.max(0, Number(seconds) * 1000 + Math.floor(Number(nanos) / 1e6));
}

function decodeCloseSignal(body: Uint8Array): StreamResponse {
  let durationMs = 0;
  for (const f of fields(body)) {
    if (f.number === 1 && f.bytes) durationMs = decodeDurationMs(f.bytes);
  }
  return { kind: "closeSignal", durationMs };
}

/** Decodes one `EphemeralStreamResponse`. Never throws. */
export function decodeStreamResponse(buf: Uint8Array): StreamResponse {
  try {
    let result: StreamResponse = { kind: "invalid", reason: "response has no payload" };
    for (const f of fields(buf)) {
      if (!f.bytes) continue;
      if (f.number === 1) result = decodeCreateResponse(f.bytes);
      else if (f.number === 2) result = decodeAck(f.bytes);
      else if (f.number === 3) result = decodeCloseSignal(f.bytes);
    }
    return result;
  } catch (err) {
    return { kind: "invalid", reason: `undecodable response: ${(err as Error).message}` };
  }
}
