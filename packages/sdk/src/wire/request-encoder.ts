/**
 * Encodes `EphemeralStreamRequest` messages by hand. Records are already encoded (protobuf bytes, or JSON
 * text), so building a request is sizing it once and copying each record once into a single buffer: no
 * intermediate message objects, no re-encoding, and JSON text goes straight from the string into the buffer.
 *
 * Field numbers: PROTOCOL.md §1.3. JSON records travel as `string` fields and protobuf records as `bytes`
 * fields; both are length-delimited, so the bytes written are the same apart from the field number.
 */
import { SIZE_IS_LENGTH, type BatchSizes } from "./batch-sizes.js";
import { asciiRecordListSize, isAsciiText, writeAsciiRecordList } from "./json-record-list.js";
import { ENVELOPE_ROOM, FramedBatch } from "./framed-batch.js";
import { allocRequestBuffer, releaseRequestBuffer } from "./request-buffers.js";
import { varintSize, writeVarint } from "./varint.js";

/** Wire value of the `RecordType` enum. */
export const WIRE_RECORD_TYPE = { PROTO: 1, JSON: 2 } as const;

/** The wire record type: 1 (PROTO) or 2 (JSON). */
export type WireRecordType = (typeof WIRE_RECORD_TYPE)[keyof typeof WIRE_RECORD_TYPE];

/** A record as the encoder takes it: protobuf bytes, or JSON text (written as UTF-8). */
export type WireRecord = Uint8Array | string;

const LEN = 2; // wire type of length-delimited fields
const VARINT = 0;

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/** Size of a length-delimited field (tag + length + body) whose body has `bodySize` bytes. */
const lenFieldSize = (field: number, bodySize: number): number =>
  varintSize(tag(field, LEN)) + varintSize(bodySize) + bodySize;

/** Encoded size of a record. */
export const wireRecordBytes = (record: WireRecord): number =>
  typeof record === "string" ? Buffer.byteLength(record, "utf8") : record.length;

export { SIZE_IS_LENGTH, type BatchSizes } from "./batch-sizes.js";

/** What {@link measureWireRecords} found: the size of each record, and their sum. */
export interface MeasuredBatch {
  readonly sizes: BatchSizes;
  readonly bytes: number;
}

/**
 * Measures the records of a batch. Text is measured in one native call for the whole batch when it is
 * ASCII (UTF-8 size equal to the length, the common case), not one call per record.
 */
export function measureWireRecords(records: readonly WireRecord[]): MeasuredBatch {
  let chars = 0;
  let text = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (typeof record === "string") text++;
    chars += record.length;
  }
  if (text === 0 || (text === records.length && Buffer.byteLength(records.join(""), "utf8") === chars)) {
    return { sizes: SIZE_IS_LENGTH, bytes: chars };
  }
  return measureEachRecord(records);
}

/** The slow path of {@link measureWireRecords}: one UTF-8 measurement per text record. */
function measureEachRecord(records: readonly WireRecord[]): MeasuredBatch {
  const sizes = new Array<number>(records.length);
  let bytes = 0;
  for (let i = 0; i < records.length; i++) bytes += sizes[i] = wireRecordBytes(records[i]!);
  return { sizes, bytes };
}

function writeLenHeader(buf: Buffer, pos: number, field: number, bodySize: number): number {
  pos = writeVarint(buf, pos, tag(field, LEN));
  return writeVarint(buf, pos, bodySize);
}

function writeRecord(buf: Buffer, pos: number, field: number, record: WireRecord, size: number): number {
  pos = writeLenHeader(buf, pos, field, size);
  if (typeof record === "string") buf.write(record, pos, size, "utf8");
  else buf.set(record, pos);
  return pos + size;
}

/** What the first message of every stream carries. */
export interface CreateStreamFields {
  tableName: string;
  recordType: WireRecordType;
  /** Serialized `DescriptorProto`; sent for PROTO streams only. */
  descriptorProto?: Uint8Array | undefined;
}

/** Encodes `EphemeralStreamRequest{ create_stream: … }`. */
export function encodeCreateStreamRequest(fields: CreateStreamFields): Buffer {
  const name = Buffer.from(fields.tableName, "utf8");
  let bodySize = lenFieldSize(1, name.length) + 1 + varintSize(fields.recordType);
  if (fields.descriptorProto) bodySize += lenFieldSize(3, fields.descriptorProto.length);
  const buf = Buffer.allocUnsafe(lenFieldSize(1, bodySize));
  let pos = writeLenHeader(buf, 0, 1, bodySize);
  pos = writeRecord(buf, pos, 1, name, name.length);
  if (fields.descriptorProto) pos = writeRecord(buf, pos, 3, fields.descriptorProto, fields.descriptorProto.length);
  pos = writeVarint(buf, pos, tag(4, VARINT));
  writeVarint(buf, pos, fields.recordType);
  return buf;
}

/** Field number of the record inside `IngestRecordRequest` / the batch inside `IngestRecordBatchRequest`. */
const payloadField = (recordType: WireRecordType): number => (recordType === WIRE_RECORD_TYPE.PROTO ? 2 : 3);

/** Encodes `EphemeralStreamRequest{ ingest_record: { offset_id, proto_encoded_record | json_record } }`. */
export function encodeRecordRequest(offsetId: number, recordType: WireRecordType, record: WireRecord, size = wireRecordBytes(record)): Buffer {
  const bodySize = 1 + varintSize(offsetId) + lenFieldSize(payloadField(recordType), size);
  const buf = allocRequestBuffer(lenFieldSize(2, bodySize));
  let pos = writeLenHeader(buf, 0, 2, bodySize);
  pos = writeVarint(buf, pos, tag(1, VARINT));
  pos = writeVarint(buf, pos, offsetId);
  writeRecord(buf, pos, payloadField(recordType), record, size);
  return buf;
}

/**
 * Encodes `EphemeralStreamRequest{ ingest_record_batch: { offset_id, proto_encoded_batch | json_batch } }`
 * holding `records[from..to)`; one offset covers the whole batch. `sizes`, when given, is what
 * {@link measureWireRecords} found at ingest (measuring JSON text is a full scan of the string).
 */
export function encodeBatchRequest(
  offsetId: number,
  recordType: WireRecordType,
  records: readonly WireRecord[],
  from = 0,
  to = records.length,
  sizes?: BatchSizes,
): Buffer {
  const measured = sizes ?? measureWireRecords(records).sizes;
  const listSize = recordListSize(records, from, to, measured);
  const buf = allocRequestBuffer(batchEnvelopeSize(offsetId, listSize) + listSize);
  const pos = writeBatchEnvelope(buf, 0, offsetId, recordType, listSize);
  writeRecordList(buf, pos, records, from, to, measured);
  return buf;
}

/** A batch call's records as the ledger keeps them, and their encoded size. */
export interface PreparedBatch {
  /** A {@link FramedBatch}; a batch of one record stays that record, in an array of one. */
  readonly payload: FramedBatch | readonly [WireRecord];
  readonly bytes: number;
}

/**
 * Measures and frames a batch call's records, once, at ingest. ASCII text is measured and framed in one
 * pass (see `writeAsciiRecordList`); anything else is measured first, then framed.
 */
export function prepareBatch(records: readonly WireRecord[]): PreparedBatch {
  if (records.length === 1) return { payload: [records[0]!], bytes: wireRecordBytes(records[0]!) };
  const asciiSize = asciiRecordListSize(records);
  if (asciiSize !== undefined) {
    const memory = allocRequestBuffer(ENVELOPE_ROOM + asciiSize);
    if (writeAsciiRecordList(memory, ENVELOPE_ROOM, records as readonly string[], 0, records.length, true) !== undefined) {
      let bytes = 0;
      for (const record of records) bytes += record.length;
      return { payload: new FramedBatch(memory, records.length), bytes };
    }
    releaseRequestBuffer(memory);
  }
  // Text that failed the ASCII check needs no second whole-batch check: measure record by record.
  const { sizes, bytes } = asciiSize === undefined ? measureWireRecords(records) : measureEachRecord(records);
  return { payload: encodeBatchBody(records, sizes), bytes };
}

/** Encodes a batch call's records once, at ingest, as a {@link FramedBatch} (see there). */
export function encodeBatchBody(records: readonly WireRecord[], sizes: BatchSizes): FramedBatch {
  const listSize = recordListSize(records, 0, records.length, sizes);
  const memory = allocRequestBuffer(ENVELOPE_ROOM + listSize);
  writeRecordList(memory, ENVELOPE_ROOM, records, 0, records.length, sizes);
  return new FramedBatch(memory, records.length);
}

/**
 * The request for a {@link FramedBatch} at physical offset `offsetId`: the envelope is written into the room
 * in front of the list and a view of the batch's memory is returned (valid until the batch is re-sent).
 */
export function encodeFramedBatchRequest(offsetId: number, recordType: WireRecordType, batch: FramedBatch): Buffer {
  const listSize = batch.listSize;
  const start = ENVELOPE_ROOM - batchEnvelopeSize(offsetId, listSize);
  writeBatchEnvelope(batch.memory, start, offsetId, recordType, listSize);
  return batch.memory.subarray(start);
}

/** Bytes of the batch envelope in front of a list of `listSize` bytes (the list's tag is one byte). */
function batchEnvelopeSize(offsetId: number, listSize: number): number {
  const bodySize = 1 + varintSize(offsetId) + lenFieldSize(2, listSize);
  return lenFieldSize(3, bodySize) - listSize;
}

function writeBatchEnvelope(buf: Buffer, pos: number, offsetId: number, recordType: WireRecordType, listSize: number): number {
  const bodySize = 1 + varintSize(offsetId) + lenFieldSize(payloadField(recordType), listSize);
  pos = writeLenHeader(buf, pos, 3, bodySize);
  pos = writeVarint(buf, pos, tag(1, VARINT));
  pos = writeVarint(buf, pos, offsetId);
  return writeLenHeader(buf, pos, payloadField(recordType), listSize);
}

/** Size of the `repeated records = 1` list holding `records[from..to)`. */
function recordListSize(records: readonly WireRecord[], from: number, to: number, sizes: BatchSizes): number {
  let size = 0;
  if (sizes === SIZE_IS_LENGTH) for (let i = from; i < to; i++) size += lenFieldSize(1, records[i]!.length);
  else for (let i = from; i < to; i++) size += lenFieldSize(1, sizes[i]!);
  return size;
}

function writeRecordList(buf: Buffer, pos: number, records: readonly WireRecord[], from: number, to: number, sizes: BatchSizes): number {
  if (isAsciiText(records, sizes, from, to)) return writeAsciiRecordList(buf, pos, records, from, to)!;
  if (sizes === SIZE_IS_LENGTH) {
    for (let i = from; i < to; i++) pos = writeRecord(buf, pos, 1, records[i]!, records[i]!.length);
  } else {
    for (let i = from; i < to; i++) pos = writeRecord(buf, pos, 1, records[i]!, sizes[i]!);
  }
  return pos;
}
