/**
 * The statuses a call ends with when something fails, shared by record streams and Arrow Flight DoPuts:
 * a refused request, a failed commit, a table feature this service cannot write.
 */
import { DeltaError } from "../delta/index.js";
import { callStatus, CallStatusError, ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** The status a failed commit ends a stream with. */
export function commitFailure(err: unknown, table: string): CallStatusError {
  if (err instanceof CallStatusError) return err;
  if (err instanceof DeltaError && err.code === "WRITER_CLOSED") {
    return refuse(GrpcStatus.UNAVAILABLE, `Table '${table}' is closing: ${err.message}`, ERROR_CODES.UNAVAILABLE);
  }
  if (err instanceof DeltaError && err.code === "ROW_INVALID") return refuse(GrpcStatus.INVALID_ARGUMENT, err.message, ERROR_CODES.INVALID_RECORD);
  if (isUnsupportedFeature(err)) return unsupportedTable(err, table);
  return refuse(GrpcStatus.INTERNAL, `Failed to commit to table '${table}': ${(err as Error)?.message ?? String(err)}`, ERROR_CODES.INTERNAL);
}

/** True for a Delta error saying the table uses a feature this service cannot write. */
export function isUnsupportedFeature(err: unknown): err is DeltaError {
  return err instanceof DeltaError && err.code === "UNSUPPORTED_FEATURE";
}

/** The refusal for a table this service cannot write. */
// Not retriable (INVALID_ARGUMENT): the SDKs retry FAILED_PRECONDITION and INTERNAL, and no retry
// can make this service support a table feature.
export function unsupportedTable(err: DeltaError, table: string | undefined): CallStatusError {
  const name = table === undefined ? "The table" : `Table '${table}'`;
  return refuse(GrpcStatus.INVALID_ARGUMENT, `${name} cannot be written by this service: ${err.message}`, ERROR_CODES.UNSUPPORTED_TABLE_FEATURE);
}

/** The error that ends a call with `code`, `text` and the Zerobus error code. */
export function refuse(code: GrpcStatus, text: string, errorCode: number): CallStatusError {
  return new CallStatusError(callStatus(code, text, errorCode));
}
