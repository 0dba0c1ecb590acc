/**
 * Why a Delta operation failed. The service maps these to gRPC statuses: `ROW_INVALID` and
 * `UNSUPPORTED_FEATURE` → INVALID_ARGUMENT (both non-retriable for the SDKs), `TABLE_NOT_FOUND` →
 * NOT_FOUND, `WRITER_CLOSED` → UNAVAILABLE, the rest → INTERNAL.
 */
export type DeltaErrorCode =
  | "VERSION_CONFLICT"
  | "ROW_INVALID"
  | "TABLE_EXISTS"
  | "TABLE_NOT_FOUND"
  | "VERSION_NOT_FOUND"
  | "LOG_INVALID"
  | "UNSUPPORTED_FEATURE"
  | "INCOMPATIBLE_CHANGE"
  | "WRITER_CLOSED";

/** Options shared by every {@link DeltaError} constructor. */
export interface DeltaErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** Base class of the Delta layer's errors; `message` starts with the code. */
export class DeltaError extends Error {
  /** What went wrong, as a closed set of codes. */
  readonly code: DeltaErrorCode;

  constructor(code: DeltaErrorCode, message: string, options: DeltaErrorOptions = {}) {
    super(`[${code}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeltaError";
    this.code = code;
  }
}

/** Another writer already committed this version; reload the log and retry at the next one. */
export class VersionConflictError extends DeltaError {
  /** The version that was already taken. */
  readonly version: number;

  constructor(version: number, options: DeltaErrorOptions = {}) {
    super("VERSION_CONFLICT", `Version ${version} of the table was committed by another writer`, options);
    this.name = "VersionConflictError";
    this.version = version;
  }
}

/**
 * The table needs a protocol version or table feature this service does not implement. Not
 * retriable: the table has to change, not the request.
 */
export class UnsupportedFeatureError extends DeltaError {
  /** The feature's protocol name (`rowTracking`, `variantType`, …) or the version (`minReaderVersion=4`). */
  readonly feature: string;

  constructor(feature: string, message: string, options: DeltaErrorOptions = {}) {
    super("UNSUPPORTED_FEATURE", message, options);
    this.name = "UnsupportedFeatureError";
    this.feature = feature;
  }
}

/** A row does not fit the table schema: a missing non-nullable column or a value of the wrong type. */
export class RowValidationError extends DeltaError {
  /** Index of the offending row in the rows passed to the call. */
  readonly rowIndex: number;
  /** Path of the offending value, e.g. `payload.tags[2]` or `attrs{"k"}`. */
  readonly columnPath: string;

  constructor(rowIndex: number, columnPath: string, problem: string) {
    super("ROW_INVALID", `Row ${rowIndex}, column ${columnPath}: ${problem}`);
    this.name = "RowValidationError";
    this.rowIndex = rowIndex;
    this.columnPath = columnPath;
  }
}
