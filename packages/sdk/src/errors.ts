/**
 * The SDK's error classes and the gRPC status table that decides which failures are retried.
 *
 * Two classes, as the Python SDK has them: {@link ZerobusException} for failures that may succeed on a
 * retry, and its subclass {@link NonRetriableException} for those that never will. Recovery asks only
 * `error.retriable`. The table follows the Rust engine (PROTOCOL.md §6.2), which treats PERMISSION_DENIED
 * and UNIMPLEMENTED as final where the old pure-Python SDK retried them.
 */

import { boundedText } from "./bounded-text.js";
import { decodeErrorInfo, type ErrorInfo } from "./wire/status-details.js";

/** gRPC status codes by name (the numeric values are fixed by gRPC). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code number (0–16). */
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

const STATUS_NAMES: readonly string[] = Object.keys(GrpcStatus);

/** The name of a gRPC status code, e.g. `UNAVAILABLE` for 14. */
export function grpcStatusName(code: number): string {
  return STATUS_NAMES[code] ?? `STATUS_${code}`;
}

/** gRPC codes that no retry can fix (Rust engine's set: PROTOCOL.md §6.2). */
export const NON_RETRIABLE_GRPC_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.UNAUTHENTICATED,
]);

/** Whether a failure with this gRPC status code is worth retrying. */
export function isRetriableGrpcCode(code: number): boolean {
  return !NON_RETRIABLE_GRPC_CODES.has(code);
}

/** Construction options shared by the SDK's errors. */
export interface ZerobusErrorOptions {
  /** The gRPC status code behind the error, when there is one. */
  grpcCode?: number | undefined;
  /** The error that caused this one. */
  cause?: unknown;
  /** The `google.rpc.ErrorInfo` the server attached to its status, if any. */
  errorInfo?: ErrorInfo | undefined;
}

/**
 * A failure reported by the SDK. Instances of this class itself are retriable: the same operation may
 * succeed later (the stream's automatic recovery retries them). {@link NonRetriableException} marks the rest.
 */
export class ZerobusException extends Error {
  /** The gRPC status code behind the error, if it came from the server or the transport. */
  readonly grpcCode: number | undefined;
  /**
   * The server's machine-readable reason (`google.rpc.ErrorInfo` from the `grpc-status-details-bin`
   * trailer), e.g. reason `SCHEMA_VALIDATION_FAILED`; `undefined` when the server sent none.
   */
  readonly errorInfo: ErrorInfo | undefined;
  /**
   * What the server found wrong, from `errorInfo.metadata.causes` (a comma list), e.g.
   * `["FIELD_NOT_IN_TABLE", "TYPE_INCOMPATIBLE"]`; empty when the server named none.
   */
  readonly causes: readonly string[];
  /** The service's error code from `errorInfo.metadata.error_code`, e.g. `"8001"` for a schema refusal. */
  readonly errorCode: string | undefined;

  /** Creates an error; `options.cause` is chained as the standard `cause` property. */
  constructor(message: string, options: ZerobusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.grpcCode = options.grpcCode;
    this.errorInfo = options.errorInfo;
    this.causes = causesOf(options.errorInfo);
    this.errorCode = options.errorInfo?.metadata["error_code"];
  }

  /** Whether retrying (reconnecting and resending) may succeed. */
  get retriable(): boolean {
    return true;
  }

  /** Alias of {@link ZerobusException.retriable}, the official TypeScript SDK's name. */
  get isRetryable(): boolean {
    return this.retriable;
  }
}

/** A failure that retrying cannot fix: bad input, bad credentials, a missing table, a rejected record. */
export class NonRetriableException extends ZerobusException {
  override get retriable(): boolean {
    return false;
  }
}

/** The official TypeScript SDK's name for the base error class. */
export { ZerobusException as ZerobusError };

/** The `ErrorInfo` reason of a schema refusal (OFFICIAL-2X.md §6): never retriable, whatever the code. */
export const SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED";

const causesOf = (info: ErrorInfo | undefined): string[] =>
  (info?.metadata["causes"] ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "");

/**
 * An error from a gRPC status: {@link NonRetriableException} for the codes in
 * {@link NON_RETRIABLE_GRPC_CODES} and for schema refusals, {@link ZerobusException} otherwise. The message
 * names the code and quotes at most a short prefix of the server's message. `statusDetails` is the raw
 * `grpc-status-details-bin` trailer: its `ErrorInfo` becomes `errorInfo`, `causes` and `errorCode`; a
 * trailer that does not decode is ignored.
 */
export function errorFromGrpcStatus(
  code: number,
  details: string,
  context: string,
  cause?: unknown,
  statusDetails?: Uint8Array,
): ZerobusException {
  const errorInfo = decodeErrorInfo(statusDetails);
  const schema = errorInfo?.reason === SCHEMA_VALIDATION_FAILED;
  const reason = schema ? ` [${SCHEMA_VALIDATION_FAILED}: ${boundedText(causesOf(errorInfo).join(", "), 256)}]` : "";
  const message = `${context}: ${grpcStatusName(code)}${details ? `: ${boundedText(details)}` : ""}${reason}`;
  const ErrorClass = isRetriableGrpcCode(code) && !schema ? ZerobusException : NonRetriableException;
  return new ErrorClass(message, { grpcCode: code, cause, errorInfo });
}

/** Wraps anything thrown into a {@link ZerobusException}, keeping SDK errors as they are. */
export function toZerobusException(err: unknown, context: string): ZerobusException {
  if (err instanceof ZerobusException) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ZerobusException(`${context}: ${boundedText(message)}`, { cause: err });
}
