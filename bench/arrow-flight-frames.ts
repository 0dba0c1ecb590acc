/**
 * Just enough Arrow Flight for the bench: split an Arrow IPC stream into its messages, frame them as
 * `FlightData`, and — on the sink's side — read a frame's row count from its `RecordBatch` header
 * without touching the body (ARROW-FLIGHT.md §1–§2).
 */

/** One IPC message: the `Message` flatbuffer and the body after it. */
export interface IpcMessage {
  header: Uint8Array;
  body: Uint8Array;
}

/** The messages of an IPC stream (continuation marker, length, flatbuffer, padding, body), end marker excluded. */
export function ipcMessages(stream: Uint8Array): IpcMessage[] {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const messages: IpcMessage[] = [];
  let pos = 0;
  while (pos + 8 <= stream.length) {
    if (view.getUint32(pos, true) === 0xffffffff) pos += 4;
    const length = view.getInt32(pos, true);
    pos += 4;
    if (length === 0) break;
    const header = stream.subarray(pos, pos + length);
    pos += length;
    const bodyLength = Number(messageField(header, 3, "long") ?? 0n);
    messages.push({ header, body: stream.subarray(pos, pos + bodyLength) });
    pos += bodyLength;
  }
  return messages;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function bytesField(key: number[], body: Uint8Array): Buffer[] {
  return body.length === 0 ? [] : [Buffer.from([...key, ...varint(body.length)]), Buffer.from(body.buffer, body.byteOffset, body.byteLength)];
}

/** A `FlightData` frame: data_header (2), app_metadata (3), data_body (1000). */
export function flightData(message: IpcMessage, appMetadata?: string): Buffer {
  return Buffer.concat([
    ...bytesField([0x12], message.header),
    ...bytesField([0x1a], appMetadata === undefined ? new Uint8Array() : Buffer.from(appMetadata)),
    ...bytesField([0xc2, 0x3e], message.body),
  ]);
}

/** A `PutResult` carrying `appMetadata` as its app_metadata (field 1). */
export function putResult(appMetadata: string): Buffer {
  return Buffer.concat(bytesField([0x0a], Buffer.from(appMetadata)));
}

/** The data_header of a `FlightData` frame (field 2), found without reading the body. */
export function frameHeader(frame: Uint8Array): Uint8Array | undefined {
  let pos = 0;
  while (pos < frame.length) {
    let key = 0;
    let scale = 1;
    for (;;) {
      const byte = frame[pos++]!;
      key += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) break;
    }
    let length = 0;
    scale = 1;
    for (;;) {
      const byte = frame[pos++]!;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) break;
    }
    if (key >>> 3 === 2) return frame.subarray(pos, pos + length);
    pos += length;
  }
  return undefined;
}

const RECORD_BATCH = 3;

/** Rows of a `RecordBatch` message header; 0 for any other message (the schema). */
export function headerRows(header: Uint8Array): number {
  if (messageField(header, 1, "ubyte") !== RECORD_BATCH) return 0;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const table = view.getUint32(0, true);
  const headerSlot = fieldSlot(view, table, 2);
  if (headerSlot === undefined) return 0;
  const batch = headerSlot + view.getUint32(headerSlot, true);
  const lengthSlot = fieldSlot(view, batch, 0);
  return lengthSlot === undefined ? 0 : Number(view.getBigInt64(lengthSlot, true));
}

/** Field `index` of the root `Message` table, as a number (ubyte) or a bigint (long). */
function messageField(header: Uint8Array, index: number, kind: "ubyte" | "long"): number | bigint | undefined {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const slot = fieldSlot(view, view.getUint32(0, true), index);
  if (slot === undefined) return undefined;
  return kind === "ubyte" ? view.getUint8(slot) : view.getBigInt64(slot, true);
}

/** Where a flatbuffer table's field is stored, or undefined when absent (default). */
function fieldSlot(view: DataView, table: number, index: number): number | undefined {
  const vtable = table - view.getInt32(table, true);
  const vtableSize = view.getUint16(vtable, true);
  const entry = 4 + index * 2;
  if (entry >= vtableSize) return undefined;
  const offset = view.getUint16(vtable + entry, true);
  return offset === 0 ? undefined : table + offset;
}
