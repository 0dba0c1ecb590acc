/**
 * A batch request read without turning its records into objects. A 10 MB `ingest_record_batch` can
 * hold 2.5 M records; protobufjs would make one Uint8Array (or string) per record at once, ~100 bytes
 * of heap each, while the message waits in grpc-js's queue. Here the deserializer only walks the bytes
 * to find the offset and count the records; the records are cut from the message a chunk at a time,
 * as they are decoded.
 */
import type { WireRecord } from "../records/decode-records.js";
import { jsonRecordText } from "../records/utf8-text.js";

/** The records of a request, handed out a chunk at a time. */
export interface RecordSource {
  /** How many records the request carries. */
  readonly count: number;
  /** The records in order, at most `size` per chunk. */
  chunks(size: number): Iterable<WireRecord[]>;
}

/** A RecordSource over records already decoded (single-record requests, the protobufjs fallback). */
export function recordArraySource(records: ReadonlyArray<WireRecord>): RecordSource {
  return {
    count: records.length,
    *chunks(size: number) {
      for (let i = 0; i < records.length; i += size) yield records.slice(i, i + size);
    },
  };
}

/** The records of a batch, as a range of the message's bytes (`repeated bytes|string records = 1`). */
export class WireRecordList implements RecordSource {
  constructor(
    private readonly buffer: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly count: number,
    readonly kind: "proto" | "json",
  ) {}

  *chunks(size: number): Iterable<WireRecord[]> {
    let pos = this.start;
    while (pos < this.end) {
      const chunk: WireRecord[] = [];
      while (pos < this.end && chunk.length < size) {
        pos++; // the tag, checked when the list was made
        let next = pos + 1;
        let length = this.buffer[pos] as number;
        if (length >= 0x80) [length, next] = readVarint32(this.buffer, pos);
        pos = next + length;
        // JSON text is decoded strictly: invalid UTF-8 must be refused, not stored as U+FFFD.
        chunk.push(this.kind === "proto" ? this.buffer.subarray(next, pos) : jsonRecordText(this.buffer, next, pos));
      }
      yield chunk;
    }
  }
}

/** What {@link scanRecordBatch} found. */
export interface ScannedBatch {
  /** `offset_id` if present, as a signed 64-bit value. */
  offsetId: bigint | undefined;
  records: WireRecordList | undefined;
}

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;

/**
 * Reads an `EphemeralStreamRequest` holding exactly one `ingest_record_batch` with only the fields
 * this service knows, each once. Returns `undefined` for anything else (another payload, unknown or
 * repeated fields, malformed bytes): the caller then decodes the message the general way.
 */
export function scanRecordBatch(buffer: Buffer): ScannedBatch | undefined {
  try {
    if (buffer.length === 0 || buffer[0] !== ((3 << 3) | WIRE_LENGTH)) return undefined;
    const [bodyLength, bodyStart] = readVarint32(buffer, 1);
    const bodyEnd = bodyStart + bodyLength;
    if (bodyEnd !== buffer.length) return undefined;
    let offsetId: bigint | undefined;
    let records: WireRecordList | undefined;
    let pos = bodyStart;
    while (pos < bodyEnd) {
      const tag = buffer[pos++] as number;
      if (tag === ((1 << 3) | WIRE_VARINT) && offsetId === undefined) {
        const [value, next] = readVarint64(buffer, pos);
        offsetId = value;
        pos = next;
      } else if ((tag === ((2 << 3) | WIRE_LENGTH) || tag === ((3 << 3) | WIRE_LENGTH)) && records === undefined) {
        const [length, start] = readVarint32(buffer, pos);
        pos = start + length;
        if (pos > bodyEnd) return undefined;
        const list = scanRecords(buffer, start, pos, tag === ((2 << 3) | WIRE_LENGTH) ? "proto" : "json");
        if (list === undefined) return undefined;
        records = list;
      } else {
        return undefined;
      }
    }
    return pos === bodyEnd ? { offsetId, records } : undefined;
  } catch {
    return undefined;
  }
}

function scanRecords(buffer: Buffer, start: number, end: number, kind: "proto" | "json"): WireRecordList | undefined {
  let count = 0;
  let pos = start;
  while (pos < end) {
    if (buffer[pos] !== ((1 << 3) | WIRE_LENGTH)) return undefined;
    // Most records are under 128 bytes: their length is one byte, read without the general varint path.
    const first = buffer[pos + 1];
    if (first !== undefined && first < 0x80) pos += 2 + first;
    else {
      const [length, next] = readVarint32(buffer, pos + 1);
      pos = next + length;
    }
    count++;
  }
  return pos === end ? new WireRecordList(buffer, start, end, count, kind) : undefined;
}

// A length: at most 5 bytes, below 2^31. Throws on truncation (the scan then falls back).
function readVarint32(buffer: Buffer, pos: number): [number, number] {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= buffer.length) throw new RangeError("truncated varint");
    const byte = buffer[pos++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      if (value > 0x7fffffff) throw new RangeError("length too large");
      return [value, pos];
    }
  }
  throw new RangeError("varint too long");
}

function readVarint64(buffer: Buffer, pos: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos >= buffer.length) throw new RangeError("truncated varint");
    const byte = buffer[pos++] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [BigInt.asIntN(64, value), pos];
  }
  throw new RangeError("varint too long");
}
