/**
 * Splits Arrow IPC *stream* bytes into messages without copying: each message's `Message` flatbuffer and
 * body are views of the input (ARROW-FLIGHT.md §2 sends exactly these as a frame's `data_header` and
 * `data_body`). Reads both the current framing (0xFFFFFFFF continuation, then the length) and the legacy
 * one (length only); stops at the end-of-stream marker or the end of the bytes.
 */
import { readInt64, readTable, readUint8, readVector, rootTable, type FbTable } from "./flatbuffer-reader.js";

/** `MessageHeader` union tags of Arrow's Message.fbs. */
export const MessageKind = { Schema: 1, DictionaryBatch: 2, RecordBatch: 3 } as const;

/** One IPC message. */
export interface IpcMessage {
  /** The `MessageHeader` tag (see {@link MessageKind}). */
  readonly kind: number;
  /** The `Message` flatbuffer (with its padding). */
  readonly header: Uint8Array;
  /** The message body. */
  readonly body: Uint8Array;
}

const CONTINUATION = 0xffffffff;

/** The messages of `bytes`; throws `RangeError` naming what is wrong when they are not an IPC stream. */
export function readIpcMessages(bytes: Uint8Array): IpcMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: IpcMessage[] = [];
  let pos = 0;
  while (pos + 4 <= bytes.length) {
    let length = view.getUint32(pos, true);
    pos += 4;
    if (length === CONTINUATION) {
      if (pos + 4 > bytes.length) throw new RangeError(`truncated message length at byte ${pos}`);
      length = view.getUint32(pos, true);
      pos += 4;
    }
    if (length === 0) return messages; // end of stream
    if (length > bytes.length - pos) throw new RangeError(`message of ${length} bytes at byte ${pos} runs past the end (${bytes.length} bytes)`);
    const header = bytes.subarray(pos, pos + length);
    const message = rootTable(header);
    const kind = readUint8(message, 1);
    const bodyLength = readInt64(message, 3);
    pos += length;
    if (bodyLength < 0 || bodyLength > bytes.length - pos) {
      throw new RangeError(`message body of ${bodyLength} bytes at byte ${pos} runs past the end (${bytes.length} bytes)`);
    }
    messages.push({ kind, header, body: bytes.subarray(pos, pos + bodyLength) });
    pos += bodyLength;
  }
  if (pos !== bytes.length) throw new RangeError(`${bytes.length - pos} stray bytes at the end`);
  return messages;
}

/** The `header` table of a `Message` flatbuffer. */
export function messageHeaderTable(header: Uint8Array): FbTable {
  const table = readTable(rootTable(header), 2);
  if (!table) throw new RangeError("message without a header");
  return table;
}

/** What a `RecordBatch` message says about its body. */
export interface RecordBatchLayout {
  /** Rows. */
  readonly rows: number;
  /** The FieldNode structs (16 bytes each), as bytes of the header. */
  readonly nodes: Uint8Array;
  /** Each buffer's offset and length in the body, two numbers per buffer. */
  readonly buffers: Float64Array;
  /** The variadicBufferCounts (8 bytes each), as bytes of the header, or `undefined`. */
  readonly variadicCounts: Uint8Array | undefined;
  /** The body's compression codec (0 = LZ4_FRAME, 1 = ZSTD), or `undefined` when not compressed. */
  readonly codec: number | undefined;
}

/** Reads a `RecordBatch` message's header. */
export function recordBatchLayout(header: Uint8Array): RecordBatchLayout {
  const batch = messageHeaderTable(header);
  const rows = readInt64(batch, 0);
  const view = batch.view;
  const raw = (start: number, length: number): Uint8Array => new Uint8Array(view.buffer, view.byteOffset + start, length);
  const nodes = readVector(batch, 1, 16);
  const buffers = readVector(batch, 2, 16);
  const compression = readTable(batch, 3);
  const variadic = readVector(batch, 4, 8);
  const regions = new Float64Array(2 * (buffers?.length ?? 0));
  for (let i = 0; i < regions.length; i++) regions[i] = Number(view.getBigInt64(buffers!.start + 8 * i, true));
  return {
    rows,
    nodes: nodes ? raw(nodes.start, nodes.length * 16) : new Uint8Array(0),
    buffers: regions,
    variadicCounts: variadic ? raw(variadic.start, variadic.length * 8) : undefined,
    codec: compression ? readUint8(compression, 0) : undefined,
  };
}

/** What ingest checks of a `RecordBatch` message, read without allocating (the hot path). */
export interface RecordBatchSummary {
  readonly rows: number;
  readonly compressed: boolean;
  /** Whether every buffer lies within a body of the given length. */
  readonly buffersInBody: boolean;
}

/** Reads a `RecordBatch` message's rows and checks its buffers against `bodyLength`. */
export function recordBatchSummary(header: Uint8Array, bodyLength: number): RecordBatchSummary {
  const batch = messageHeaderTable(header);
  const buffers = readVector(batch, 2, 16);
  let buffersInBody = true;
  if (buffers) {
    const view = batch.view;
    for (let i = 0; i < buffers.length && buffersInBody; i++) {
      const offset = Number(view.getBigInt64(buffers.start + 16 * i, true));
      const length = Number(view.getBigInt64(buffers.start + 16 * i + 8, true));
      buffersInBody = offset >= 0 && length >= 0 && offset + length <= bodyLength;
    }
  }
  return { rows: readInt64(batch, 0), compressed: readTable(batch, 3) !== undefined, buffersInBody };
}
