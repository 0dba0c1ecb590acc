/**
 * The statuses the EphemeralStream handler ends calls with. Messages follow the real service's form
 * "<text>. Error Code: <n>, Error State: 0." (PROTOCOL.md §6.4, §12.6). Codes 4024, 4033 and 6002 are
 * the real service's; the others are this local service's own, grouped by cause, so a test can match
 * on them.
 */
import { status as GrpcStatus, type Metadata } from "@grpc/grpc-js";
import { boundMessage } from "../text/bounded-text.js";

/** Error codes carried in status messages. */
export const ERROR_CODES = Object.freeze({
  /** The request breaks the protocol (first message not create_stream, bad record_type, missing offset…). */
  INVALID_REQUEST: 4000,
  /** A Flight frame whose offset_id is not the next one expected (real code, "Non-sequential offset_id"). */
  NON_SEQUENTIAL_OFFSET: 4002,
  /** Missing, malformed, forged or expired bearer token. */
  UNAUTHENTICATED: 4010,
  /** The token does not grant MODIFY on the table (real code). */
  PERMISSION_DENIED: 4024,
  /** A descriptor type name that points outside the descriptor (real code). */
  NOT_SELF_CONTAINED: 4033,
  /** A descriptor that does not match the table's columns, or is not a DescriptorProto. */
  SCHEMA_MISMATCH: 4034,
  /** No create_stream arrived within the service's createStreamTimeoutMs of the call's start. */
  CREATE_STREAM_TIMEOUT: 4008,
  /** The table does not exist. */
  TABLE_NOT_FOUND: 4040,
  /** A record that cannot be decoded or does not fit the table. */
  INVALID_RECORD: 4050,
  /** A request message over the 10 MiB limit. */
  MESSAGE_TOO_LARGE: 4060,
  /** An offset_id that is not the next one expected. */
  OFFSET_OUT_OF_ORDER: 4070,
  /**
   * The table needs a Delta protocol version or table feature this service cannot honour (row
   * tracking, CHECK constraints, variant columns, …). Sent as INVALID_ARGUMENT so that SDKs do not
   * retry: the table has to change, not the request.
   */
  UNSUPPORTED_TABLE_FEATURE: 4080,
  /**
   * The table's Delta log cannot be read (a damaged, empty or cut-short commit, a missing version). Sent
   * as INVALID_ARGUMENT so that SDKs do not retry: the table has to be repaired.
   */
  TABLE_UNREADABLE: 4090,
  /**
   * A request larger on its own than an in-flight limit (`limits` of `startLocalService`): sent as
   * RESOURCE_EXHAUSTED.
   */
  RESOURCE_EXHAUSTED: 4290,
  /** The table could not be written. */
  INTERNAL: 5000,
  /** The service is shutting down, or a test injected a failure. */
  UNAVAILABLE: 5030,
  /** The stream reached its lifetime (real code). */
  STREAM_LIFETIME: 6002,
  /** A declared Arrow schema (or a descriptor) that does not fit the table; sent with an ErrorInfo (real code). */
  SCHEMA_VALIDATION: 8001,
});

/** A gRPC status to end a call with. */
export interface CallStatus {
  code: GrpcStatus;
  details: string;
  /** Trailers sent with the status, e.g. `grpc-status-details-bin`. */
  metadata?: Metadata;
}

/**
 * Builds a status whose message carries the error code suffix. The text is capped (`boundMessage`)
 * before the suffix is added: a status too large for HTTP/2 trailers never reaches the client.
 */
export function callStatus(code: GrpcStatus, text: string, errorCode: number): CallStatus {
  const trimmed = boundMessage(text).replace(/[.\s]+$/, "");
  return { code, details: `${trimmed}. Error Code: ${errorCode}, Error State: 0.` };
}

/** An error that carries the status its call should end with. */
export class CallStatusError extends Error {
  override readonly name = "CallStatusError";
  constructor(readonly status: CallStatus) {
    super(status.details);
  }
}

export { GrpcStatus };
