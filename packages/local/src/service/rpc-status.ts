/**
 * The rich error model of gRPC: a `google.rpc.Status` carrying one `google.rpc.ErrorInfo`, serialized by
 * hand (four small messages) into the `grpc-status-details-bin` trailer that clients decode into typed
 * errors (OFFICIAL-2X.md §6, ARROW-FLIGHT.md §3).
 *
 *   Status    { 1: code int32, 2: message string, 3: details repeated Any }
 *   Any       { 1: type_url string, 2: value bytes }
 *   ErrorInfo { 1: reason string, 2: domain string, 3: metadata map<string, string> }
 */
import { Metadata } from "@grpc/grpc-js";

/** The trailer clients read the Status from. */
export const STATUS_DETAILS_TRAILER = "grpc-status-details-bin";

const ERROR_INFO_TYPE_URL = "type.googleapis.com/google.rpc.ErrorInfo";

/** A `google.rpc.ErrorInfo`. */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Readonly<Record<string, string>>;
}

/** Serializes `google.rpc.Status { code, message, details: [Any(ErrorInfo)] }`. */
export function encodeRpcStatus(code: number, message: string, info: ErrorInfo): Buffer {
  const entries = Object.entries(info.metadata).map(([key, value]) => lengthDelimited(3, concat([text(1, key), text(2, value)])));
  const errorInfo = concat([text(1, info.reason), text(2, info.domain), ...entries]);
  const any = concat([text(1, ERROR_INFO_TYPE_URL), lengthDelimited(2, errorInfo)]);
  const parts = [text(2, message), lengthDelimited(3, any)];
  // proto3 omits a zero code; every status sent with details is an error, so the code is non-zero.
  if (code !== 0) parts.unshift(Buffer.from([0x08, ...varint(code)]));
  return concat(parts);
}

/** Trailers carrying the Status with `info`, for a call ended with `code` and `message`. */
export function statusDetailsTrailer(code: number, message: string, info: ErrorInfo): Metadata {
  const trailer = new Metadata();
  trailer.set(STATUS_DETAILS_TRAILER, encodeRpcStatus(code, message, info));
  return trailer;
}

function text(field: number, value: string): Buffer {
  return lengthDelimited(field, Buffer.from(value, "utf8"));
}

function lengthDelimited(field: number, value: Buffer): Buffer {
  return concat([Buffer.from([(field << 3) | 2, ...varint(value.length)]), value]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

function concat(parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}
