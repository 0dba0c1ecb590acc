/**
 * The status of a schema refusal as the real service sends it (OFFICIAL-2X.md §6): INVALID_ARGUMENT
 * with the human message, plus a `google.rpc.ErrorInfo` (reason SCHEMA_VALIDATION_FAILED, domain
 * zerobus.databricks.com, metadata `causes` and `error_code` "8001") that SDKs turn into a typed,
 * non-retriable schema error listing the causes.
 */
import type { SchemaCause } from "../schema/schema-cause.js";
import { statusDetailsTrailer } from "./rpc-status.js";
import { callStatus, CallStatusError, ERROR_CODES, GrpcStatus, type CallStatus } from "./zerobus-status.js";

/** `ErrorInfo.reason` of a schema refusal. */
export const SCHEMA_VALIDATION_REASON = "SCHEMA_VALIDATION_FAILED";
/** `ErrorInfo.domain` of the service's errors. */
export const ZEROBUS_ERROR_DOMAIN = "zerobus.databricks.com";

/**
 * INVALID_ARGUMENT with `text` (suffixed "Error Code: <errorCode>") and the ErrorInfo naming `causes`
 * (deduplicated, in first-seen order). `errorCode` defaults to 8001; record streams keep their own
 * message codes while the ErrorInfo always says "8001".
 */
export function schemaValidationStatus(text: string, causes: readonly SchemaCause[], errorCode: number = ERROR_CODES.SCHEMA_VALIDATION): CallStatus {
  const status = callStatus(GrpcStatus.INVALID_ARGUMENT, text, errorCode);
  const info = {
    reason: SCHEMA_VALIDATION_REASON,
    domain: ZEROBUS_ERROR_DOMAIN,
    metadata: { causes: [...new Set(causes)].join(","), error_code: String(ERROR_CODES.SCHEMA_VALIDATION) },
  };
  return { ...status, metadata: statusDetailsTrailer(status.code, status.details, info) };
}

/** {@link schemaValidationStatus} as a throwable. */
export function schemaValidationError(text: string, causes: readonly SchemaCause[], errorCode?: number): CallStatusError {
  return new CallStatusError(schemaValidationStatus(text, causes, errorCode));
}
