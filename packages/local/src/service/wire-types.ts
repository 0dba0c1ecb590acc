/**
 * The Zerobus wire messages, loaded with protobufjs from the SDK package's `zerobus_service.proto` (one
 * schema for both sides). Requests are decoded inside the gRPC deserializer but never throw there: an
 * oversized or undecodable message becomes a value the stream handler answers with a clear status,
 * instead of grpc-js's generic INTERNAL.
 */
import protobuf from "protobufjs";
import protoPath from "./sdk-proto-path.cjs";
import type { InvalidUtf8Text } from "../records/utf8-text.js";
import { recheckJsonRecords } from "./wire-json-bytes.js";
import { scanRecordBatch, type RecordSource } from "./wire-record-batch.js";

// keepCase: the handler reads fields by their proto names (`offset_id`, not `offsetId`).
const root = new protobuf.Root().loadSync(protoPath, { keepCase: true });

/** `databricks.zerobus.EphemeralStreamRequest`. */
export const RequestType = root.lookupType("databricks.zerobus.EphemeralStreamRequest");
/** `databricks.zerobus.EphemeralStreamResponse`. */
export const ResponseType = root.lookupType("databricks.zerobus.EphemeralStreamResponse");
/** The full gRPC method path. */
export const EPHEMERAL_STREAM_PATH = "/databricks.zerobus.Zerobus/EphemeralStream";

/** The largest request message the service accepts (PROTOCOL.md §7.6). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/**
 * grpc-js's own receive limit: well above `MAX_MESSAGE_BYTES`, so a client that overshoots gets this
 * service's INVALID_ARGUMENT explaining the limit rather than grpc-js's RESOURCE_EXHAUSTED.
 */
export const GRPC_RECEIVE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * A decoded request (int64 as Long or number, bytes as Uint8Array). Unset fields read as defaults from
 * the prototype, so presence is tested with `Object.hasOwn`.
 */
export interface StreamRequest {
  create_stream?: { table_name?: string; descriptor_proto?: Uint8Array; record_type?: number };
  ingest_record?: { offset_id?: unknown; proto_encoded_record?: Uint8Array; json_record?: string | InvalidUtf8Text };
  ingest_record_batch?: {
    offset_id?: unknown;
    proto_encoded_batch?: { records?: Uint8Array[] };
    json_batch?: { records?: Array<string | InvalidUtf8Text> };
    /** The batch's records, left in the message's bytes (set instead of the two above by the fast path). */
    wire_records?: RecordSource;
  };
  /** Which payload is set (the oneof's virtual field). */
  payload?: "create_stream" | "ingest_record" | "ingest_record_batch";
}

/** What the deserializer yields for one incoming message. */
export type IncomingRequest =
  | { t: "request"; request: StreamRequest; bytes: number }
  | { t: "too-large"; bytes: number }
  | { t: "undecodable"; bytes: number; error: string };

/**
 * The gRPC request deserializer. Batches take a fast path that leaves their records in the message's
 * bytes (see `wire-record-batch.ts`); everything else is decoded by protobufjs.
 */
export function deserializeRequest(buffer: Buffer): IncomingRequest {
  if (buffer.length > MAX_MESSAGE_BYTES) return { t: "too-large", bytes: buffer.length };
  const batch = scanRecordBatch(buffer);
  if (batch !== undefined) {
    const body: NonNullable<StreamRequest["ingest_record_batch"]> = {};
    if (batch.offsetId !== undefined) body.offset_id = batch.offsetId.toString();
    if (batch.records !== undefined) body.wire_records = batch.records;
    return { t: "request", request: { payload: "ingest_record_batch", ingest_record_batch: body }, bytes: buffer.length };
  }
  try {
    // Unknown fields are kept: a closed-enum value protobufjs does not know (record_type 7) lands there,
    // and create_stream must still see it (stream-handshake.ts).
    const reader = protobuf.Reader.create(buffer);
    reader.discardUnknown = false;
    const request = RequestType.decode(reader) as unknown as StreamRequest;
    recheckJsonRecords(request, buffer);
    return { t: "request", request, bytes: buffer.length };
  } catch (err) {
    return { t: "undecodable", bytes: buffer.length, error: (err as Error).message };
  }
}

/** A response to send, as a plain object of the wire schema. */
export type StreamResponse =
  | { create_stream_response: { stream_id: string } }
  | { ingest_record_response: { durability_ack_up_to_offset: string } }
  | { close_stream_signal: { duration: { seconds: string; nanos: number } } };

/** The gRPC response serializer. */
export function serializeResponse(response: StreamResponse): Buffer {
  const bytes = ResponseType.encode(ResponseType.fromObject(response)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Converts a decoded int64 (Long, number or string) to a bigint. */
export function int64ToBigInt(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  const long = value as { low: number; high: number };
  return BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
}
