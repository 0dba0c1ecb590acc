/**
 * The wire messages loaded with protobufjs from `proto/zerobus_service.proto`: an encoder independent of
 * the SDK's hand-written codec, so tests check the codec against the schema rather than against itself.
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const PROTO_PATH = fileURLToPath(new URL("../../proto/zerobus_service.proto", import.meta.url));

/** The loaded schema's message types. */
export const wire = (() => {
  const root = protobuf.loadSync(PROTO_PATH);
  const type = (name: string) => root.lookupType(`databricks.zerobus.${name}`);
  return {
    request: type("EphemeralStreamRequest"),
    response: type("EphemeralStreamResponse"),
  };
})();

/** A decoded client request, as plain values (int64 as bigint, bytes as Buffer). */
export interface DecodedRequest {
  createStream?: { tableName?: string; descriptorProto?: Buffer; recordType?: number };
  ingestRecord?: { offsetId?: bigint; protoEncodedRecord?: Buffer; jsonRecord?: string };
  ingestRecordBatch?: {
    offsetId?: bigint;
    protoEncodedBatch?: { records: Buffer[] };
    jsonBatch?: { records: string[] };
  };
}

/** Decodes a request the way a server built from the schema would. */
export function decodeRequest(bytes: Uint8Array): DecodedRequest {
  const message = wire.request.decode(bytes);
  const plain = wire.request.toObject(message, { longs: String, bytes: Buffer, defaults: false, oneofs: false }) as Record<string, any>;
  const big = (v: unknown) => (v === undefined ? undefined : BigInt(v as string));
  if (plain.ingestRecord) plain.ingestRecord.offsetId = big(plain.ingestRecord.offsetId);
  if (plain.ingestRecordBatch) {
    plain.ingestRecordBatch.offsetId = big(plain.ingestRecordBatch.offsetId);
    for (const key of ["protoEncodedBatch", "jsonBatch"]) {
      if (plain.ingestRecordBatch[key]) plain.ingestRecordBatch[key].records ??= [];
    }
  }
  return plain as DecodedRequest;
}

/** Encodes a response from a plain object, e.g. `{ ingestRecordResponse: { durabilityAckUpToOffset: 3 } }`. */
export function encodeResponse(response: Record<string, unknown>): Buffer {
  return Buffer.from(wire.response.encode(wire.response.fromObject(response)).finish());
}

/** The records a decoded request carries, as Buffers (JSON records as UTF-8), and its offset. */
export function requestRecords(request: DecodedRequest): { offset: bigint; records: Buffer[] } {
  if (request.ingestRecord) {
    const r = request.ingestRecord;
    const record = r.protoEncodedRecord ?? Buffer.from(r.jsonRecord ?? "", "utf8");
    return { offset: r.offsetId ?? -1n, records: [record] };
  }
  if (request.ingestRecordBatch) {
    const b = request.ingestRecordBatch;
    const records = b.protoEncodedBatch?.records ?? (b.jsonBatch?.records ?? []).map((s) => Buffer.from(s, "utf8"));
    return { offset: b.offsetId ?? -1n, records };
  }
  throw new Error("not an ingest request");
}
