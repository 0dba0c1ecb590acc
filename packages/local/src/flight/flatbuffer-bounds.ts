/**
 * A bounds check of an IPC `Message` flatbuffer before apache-arrow decodes it. apache-arrow's decoder
 * trusts vector lengths: a crafted header claiming a vector of two billion fields makes it loop and
 * allocate until the process runs out of memory. This walks every vector the decoder will iterate
 * (Message, Schema and Field metadata, Field children, Schema fields, Union type ids, RecordBatch
 * nodes, buffers and variadic counts, a DictionaryBatch's batch) and requires each to lie inside the
 * buffer, so decoding work is bounded by the header's size.
 */

/** A header whose offsets or vector lengths point outside it. */
export class FlatbufferBoundsError extends Error {
  override readonly name = "FlatbufferBoundsError";
}

// Message.header_type and Field.type_type values (Arrow's Message.fbs / Schema.fbs).
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;
const TYPE_UNION = 14;
const MAX_DEPTH = 64;

class Reader {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(at: number, size: number): void {
    if (!Number.isSafeInteger(at) || at < 0 || at + size > this.bytes.length) throw new FlatbufferBoundsError(`offset ${at} (+${size}) lies outside the ${this.bytes.length}-byte header`);
  }

  u8(at: number): number {
    this.need(at, 1);
    return this.view.getUint8(at);
  }

  u32(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }

  root(): number {
    return this.table(this.u32(0));
  }

  /** Checks the table at `at` and its vtable; returns `at`. */
  table(at: number): number {
    this.need(at, 4);
    const vtable = at - this.view.getInt32(at, true);
    this.need(vtable, 4);
    const vtableSize = this.view.getUint16(vtable, true);
    this.need(vtable, vtableSize);
    return at;
  }

  /** The position of field `index` of the table at `at`, or undefined when absent. */
  field(at: number, index: number): number | undefined {
    const vtable = at - this.view.getInt32(at, true);
    const vtableSize = this.view.getUint16(vtable, true);
    const slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) return undefined;
    const offset = this.view.getUint16(vtable + slot, true);
    return offset === 0 ? undefined : at + offset;
  }

  /** The table a field points to, or undefined. */
  child(at: number, index: number): number | undefined {
    const position = this.field(at, index);
    return position === undefined ? undefined : this.table(position + this.u32(position));
  }

  /** The element count and first element of a vector field (each `elementSize` bytes), or undefined. */
  vector(at: number, index: number, elementSize: number): { length: number; start: number } | undefined {
    const position = this.field(at, index);
    if (position === undefined) return undefined;
    const vector = position + this.u32(position);
    const length = this.u32(vector);
    this.need(vector + 4, length * elementSize);
    return { length, start: vector + 4 };
  }

  /** The tables of a vector-of-tables field. */
  tables(at: number, index: number): number[] {
    const vector = this.vector(at, index, 4);
    if (vector === undefined) return [];
    const out: number[] = [];
    for (let i = 0; i < vector.length; i++) {
      const element = vector.start + 4 * i;
      out.push(this.table(element + this.u32(element)));
    }
    return out;
  }
}

/** Throws FlatbufferBoundsError unless every vector of the message lies inside `bytes`. */
export function checkMessageBounds(bytes: Uint8Array): void {
  const reader = new Reader(bytes);
  const message = reader.root();
  keyValues(reader, message, 4);
  const headerTypeAt = reader.field(message, 1);
  const headerType = headerTypeAt === undefined ? 0 : reader.u8(headerTypeAt);
  const header = reader.child(message, 2);
  if (header === undefined) return;
  if (headerType === HEADER_SCHEMA) {
    for (const field of reader.tables(header, 1)) checkField(reader, field, 0);
    keyValues(reader, header, 2);
    reader.vector(header, 3, 8);
  } else if (headerType === HEADER_RECORD_BATCH) {
    checkRecordBatch(reader, header);
  } else if (headerType === HEADER_DICTIONARY_BATCH) {
    const data = reader.child(header, 1);
    if (data !== undefined) checkRecordBatch(reader, data);
  }
}

function checkRecordBatch(reader: Reader, batch: number): void {
  reader.vector(batch, 1, 16); // FieldNode structs
  reader.vector(batch, 2, 16); // Buffer structs
  reader.child(batch, 3); // BodyCompression
  reader.vector(batch, 4, 8); // variadicBufferCounts
}

function checkField(reader: Reader, field: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new FlatbufferBoundsError(`fields nest more than ${MAX_DEPTH} deep`);
  const typeTypeAt = reader.field(field, 2);
  const type = reader.child(field, 3);
  if (type !== undefined && typeTypeAt !== undefined && reader.u8(typeTypeAt) === TYPE_UNION) reader.vector(type, 1, 4);
  const dictionary = reader.child(field, 4);
  if (dictionary !== undefined) reader.child(dictionary, 1);
  for (const child of reader.tables(field, 5)) checkField(reader, child, depth + 1);
  keyValues(reader, field, 6);
}

function keyValues(reader: Reader, table: number, index: number): void {
  reader.tables(table, index);
}
