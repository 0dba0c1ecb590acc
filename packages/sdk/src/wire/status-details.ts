/**
 * The rich error model of gRPC: the `grpc-status-details-bin` trailer holds a serialized
 * `google.rpc.Status` whose `details` are `google.protobuf.Any` messages. Zerobus puts a
 * `google.rpc.ErrorInfo` there for schema refusals (OFFICIAL-2X.md §6): reason `SCHEMA_VALIDATION_FAILED`,
 * `metadata.causes` (a comma list) and `metadata.error_code` (`"8001"`).
 *
 * Decoded by hand, like the rest of the wire: `Status { int32 code = 1; string message = 2; repeated Any
 * details = 3; }`, `Any { string type_url = 1; bytes value = 2; }`, `ErrorInfo { string reason = 1; string
 * domain = 2; map<string, string> metadata = 3; }` (a map entry is `{ key = 1; value = 2; }`). A trailer that
 * does not decode is ignored: the plain status and message still say what happened.
 */
import { fields } from "./response-decoder.js";

/** `google.rpc.ErrorInfo`: why a call failed, in machine-readable form. */
export interface ErrorInfo {
  /** A constant naming the cause, e.g. `SCHEMA_VALIDATION_FAILED`. */
  readonly reason: string;
  /** Who defines `reason`, e.g. `zerobus.databricks.com`. */
  readonly domain: string;
  /** Further details, e.g. `{ causes: "FIELD_NOT_IN_TABLE,TYPE_INCOMPATIBLE", error_code: "8001" }`. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The type URL of `google.rpc.ErrorInfo` inside an `Any`. */
export const ERROR_INFO_TYPE_URL = "type.googleapis.com/google.rpc.ErrorInfo";

/** The name of the trailer carrying the details. */
export const STATUS_DETAILS_TRAILER = "grpc-status-details-bin";

/** Trailers longer than this are not decoded (a status with megabytes of details is not worth reading). */
const MAX_DETAILS_BYTES = 64 * 1024;

const text = (bytes: Uint8Array | undefined): string => (bytes ? Buffer.from(bytes).toString("utf8") : "");

function decodeMapEntry(body: Uint8Array): [string, string] {
  let key = "";
  let value = "";
  for (const f of fields(body)) {
    if (f.number === 1 && f.bytes) key = text(f.bytes);
    else if (f.number === 2 && f.bytes) value = text(f.bytes);
  }
  return [key, value];
}

function decodeErrorInfoMessage(body: Uint8Array): ErrorInfo {
  let reason = "";
  let domain = "";
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const f of fields(body)) {
    if (f.number === 1 && f.bytes) reason = text(f.bytes);
    else if (f.number === 2 && f.bytes) domain = text(f.bytes);
    else if (f.number === 3 && f.bytes) {
      const [key, value] = decodeMapEntry(f.bytes);
      metadata[key] = value;
    }
  }
  return { reason, domain, metadata };
}

function decodeAny(body: Uint8Array): { typeUrl: string; value: Uint8Array } {
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array(0);
  for (const f of fields(body)) {
    if (f.number === 1 && f.bytes) typeUrl = text(f.bytes);
    else if (f.number === 2 && f.bytes) value = f.bytes;
  }
  return { typeUrl, value };
}

/**
 * The first `ErrorInfo` in a `grpc-status-details-bin` trailer, or `undefined` when there is none, the
 * trailer is absent, too long, or does not decode. Never throws.
 */
export function decodeErrorInfo(statusDetails: Uint8Array | undefined): ErrorInfo | undefined {
  if (!statusDetails || statusDetails.length === 0 || statusDetails.length > MAX_DETAILS_BYTES) return undefined;
  try {
    for (const f of fields(statusDetails)) {
      if (f.number !== 3 || !f.bytes) continue;
      const any = decodeAny(f.bytes);
      if (any.typeUrl.endsWith("/google.rpc.ErrorInfo") || any.typeUrl === "google.rpc.ErrorInfo") return decodeErrorInfoMessage(any.value);
    }
  } catch {
    // A malformed trailer: ignored, the status code and message remain.
  }
  return undefined;
}

/** Encodes a `google.rpc.Status` holding one `ErrorInfo` (for tests and the local service). */
export function encodeErrorInfoStatus(code: number, message: string, info: ErrorInfo): Buffer {
  const entries = Object.entries(info.metadata).map(([k, v]) => field(3, Buffer.concat([field(1, k), field(2, v)])));
  const errorInfo = Buffer.concat([field(1, info.reason), field(2, info.domain), ...entries]);
  const any = Buffer.concat([field(1, ERROR_INFO_TYPE_URL), field(2, errorInfo)]);
  return Buffer.concat([varintField(1, code), field(2, message), field(3, any)]);
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number << 3), varint(value)]);
}

function field(number: number, value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}
