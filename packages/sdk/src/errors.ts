/**
 * The SDK's error classes and the gRPC status table that decides which failures are retried.
 *
 * Two classes, as the Python SDK has them: {@link ZerobusException} for failures that may succeed on a
 * retry, and its subclass {@link NonRetriableException} for those that never will. Recovery asks only
 * `error.retriable`. The table follows the Rust engine (PROTOCOL.md §6.2), which treats PERMISSION_DENIED
 * and UNIMPLEMENTED as final where the old pure-Python SDK retried them.
 */

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
}

/**
 * A failure reported by the SDK. Instances of this class itself are retriable: the same operation may
 * succeed later (the stream's automatic recovery retries them). {@link NonRetriableException} marks the rest.
 */
export class ZerobusException extends Error {
  /** The gRPC status code behind the error, if it came from the server or the transport. */
  readonly grpcCode: number | undefined;

  /** Creates an error; `options.cause` is chained as the standard `cause` property. */
  constructor(message: string, options: ZerobusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.grpcCode = options.grpcCode;
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

/**
 * An error from a gRPC status: {@link NonRetriableException} for the codes in
 * {@link NON_RETRIABLE_GRPC_CODES}, {@link ZerobusException} otherwise. The message names the code.
 */
export function errorFromGrpcStatus(
  code: number,
  details: string,
  context: string,
  cause?: unknown,
): ZerobusException {
  const message = `${context}: ${grpcStatusName(code)}${details ? `: ${details}` : ""}`;
  const ErrorClass = isRetriableGrpcCode(code) ? ZerobusException : NonRetriableException;
  return new ErrorClass(message, { grpcCode: code, cause });
}

/** Wraps anything thrown into a {@link ZerobusException}, keeping SDK errors as they are. */
export function toZerobusException(err: unknown, context: string): ZerobusException {
  if (err instanceof ZerobusException) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ZerobusException(`${context}: ${message}`, { cause: err });
}
