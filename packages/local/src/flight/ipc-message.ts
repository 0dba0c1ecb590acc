/**
 * Reads the IPC `Message` flatbuffer of a FlightData frame's `data_header` (apache-arrow's decoder):
 * a Schema (frame 0), a RecordBatch, or something a DoPut does not carry.
 */
import * as arrow from "apache-arrow";
import { checkMessageBounds } from "./flatbuffer-bounds.js";
import type { RecordBatchHeader } from "./record-batch-decoder.js";

/** The largest data_header accepted: room for tens of thousands of columns, and a bound on decoding work. */
export const MAX_DATA_HEADER_BYTES = 1024 * 1024;

/** What a data header holds. */
export type IpcMessage =
  | { kind: "schema"; schema: arrow.Schema }
  | { kind: "record-batch"; header: RecordBatchHeader; bodyLength: number }
  | { kind: "other"; type: string };

/** A data header that is not a readable IPC message. */
export class IpcMessageError extends Error {
  override readonly name = "IpcMessageError";
}

/** Decodes a data header; throws IpcMessageError for bytes that are not an IPC message. */
export function readIpcMessage(dataHeader: Uint8Array): IpcMessage {
  if (dataHeader.length < 8) throw new IpcMessageError(`data_header of ${dataHeader.length} bytes is too short for an IPC message`);
  if (dataHeader.length > MAX_DATA_HEADER_BYTES) throw new IpcMessageError(`data_header of ${dataHeader.length} bytes is over the ${MAX_DATA_HEADER_BYTES}-byte limit`);
  const flatbuffer = withoutContinuation(dataHeader);
  try {
    checkMessageBounds(flatbuffer);
    const message = arrow.Message.decode(flatbuffer);
    if (message.version < arrow.MetadataVersion.V4) throw new IpcMessageError(`IPC metadata version ${message.version} is not supported (V4 or V5 expected)`);
    if (message.isSchema()) return { kind: "schema", schema: message.header() };
    if (message.isRecordBatch()) {
      const header = message.header();
      return {
        kind: "record-batch",
        bodyLength: Number(message.bodyLength),
        header: { length: Number(header.length), nodes: header.nodes, buffers: header.buffers, compression: header.compression },
      };
    }
    return { kind: "other", type: message.isDictionaryBatch() ? "DictionaryBatch" : `message type ${String(message.headerType)}` };
  } catch (err) {
    if (err instanceof IpcMessageError) throw err;
    throw new IpcMessageError(`data_header is not an Arrow IPC message: ${(err as Error).message}`);
  }
}

// Flight sends the bare flatbuffer; tolerate a client that kept the stream format's 0xFFFFFFFF marker and length.
function withoutContinuation(bytes: Uint8Array): Uint8Array {
  const marker = bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
  return marker ? bytes.subarray(8) : bytes;
}
