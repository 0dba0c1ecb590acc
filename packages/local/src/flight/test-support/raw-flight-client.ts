/**
 * A bare DoPut client for the service's own tests: it sends FlightData frames built by hand (or raw
 * bytes) and exposes the PutResults' JSON and the final status with its trailers, with no SDK logic in
 * between. `ipcFrames` turns an apache-arrow table into the frames an official client would send.
 */
import type { Client, ClientDuplexStream, StatusObject } from "@grpc/grpc-js";
import * as arrow from "apache-arrow";
import { rawCallMetadata, rawGrpcClient, readResponses } from "../../service/test-support/raw-call.js";
import { DO_PUT_PATH } from "../flight-wire.js";

/** One FlightData frame to send: each part optional. */
export interface FrameParts {
  dataHeader?: Uint8Array;
  appMetadata?: Uint8Array | string;
  dataBody?: Uint8Array;
}

/** One open DoPut call. */
export interface RawPut {
  /** Sends a frame (encoded here) or raw bytes as one gRPC message. */
  send(frame: FrameParts | Buffer): void;
  /** The next PutResult's app_metadata as parsed JSON; rejects with the status if the call ends first. */
  next(): Promise<Record<string, number>>;
  /** Resolves with the final status (its `metadata` holds the trailers). */
  status: Promise<StatusObject>;
  end(): void;
}

/** Encodes FlightData { 2: data_header, 3: app_metadata, 1000: data_body }. */
export function encodeFlightData(parts: FrameParts): Buffer {
  const chunks: Buffer[] = [];
  const field = (tag: number[], value: Uint8Array | undefined) => {
    if (value === undefined || value.length === 0) return;
    chunks.push(Buffer.from(tag), varint(value.length), Buffer.from(value.buffer, value.byteOffset, value.length));
  };
  field([0x12], parts.dataHeader);
  field([0x1a], typeof parts.appMetadata === "string" ? Buffer.from(parts.appMetadata) : parts.appMetadata);
  field([0xc2, 0x3e], parts.dataBody);
  return Buffer.concat(chunks);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** The IPC messages of a table as Flight frames: the schema header, then each batch's header and body. */
export function ipcFrames(table: arrow.Table): { schema: Uint8Array; batches: Array<{ header: Uint8Array; body: Uint8Array }> } {
  const bytes = arrow.tableToIPC(table, "stream");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: Array<{ header: Uint8Array; body: Uint8Array }> = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    const length = view.getInt32(at + 4, true);
    if (length === 0) break; // end-of-stream marker
    const header = bytes.subarray(at + 8, at + 8 + length);
    const bodyLength = Number(arrow.Message.decode(header).bodyLength);
    const body = bytes.subarray(at + 8 + length, at + 8 + length + bodyLength);
    messages.push({ header, body });
    at += 8 + length + bodyLength;
  }
  const [schema, ...batches] = messages;
  return { schema: schema!.header, batches };
}

/** Opens DoPut calls against one endpoint. */
export class RawFlightClient {
  private readonly client: Client;

  constructor(serverEndpoint: string) {
    this.client = rawGrpcClient(serverEndpoint);
  }

  /** Opens a DoPut with the given headers. */
  open(options: { token?: string; table?: string; path?: string } = {}): RawPut {
    const call: ClientDuplexStream<FrameParts | Buffer, Buffer> = this.client.makeBidiStreamRequest(
      options.path ?? DO_PUT_PATH,
      (value: FrameParts | Buffer) => (Buffer.isBuffer(value) ? value : encodeFlightData(value)),
      (buffer: Buffer) => buffer,
      rawCallMetadata(options),
    );
    const { next, status } = readResponses(call);
    return {
      send: (frame) => void call.write(frame),
      next: async () => putResultJson(await next()),
      status,
      end: () => call.end(),
    };
  }

  close(): void {
    this.client.close();
  }
}

// PutResult { 1: app_metadata }: a one- or two-byte length after the tag for these small JSON texts.
function putResultJson(result: Buffer): Record<string, number> {
  if (result[0] !== 0x0a) throw new Error(`not a PutResult: ${result.toString("hex")}`);
  let length = 0;
  let at = 1;
  for (let shift = 0; ; shift += 7) {
    const byte = result[at++]!;
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return JSON.parse(result.subarray(at, at + length).toString("utf8")) as Record<string, number>;
}
