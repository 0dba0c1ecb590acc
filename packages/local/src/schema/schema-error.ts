/** Details attached to a {@link SchemaError}. */
export interface SchemaErrorOptions {
  /** The text that failed to parse or validate (a type string, a column list, an identifier). */
  text?: string;
  /** Zero-based character offset into `text` where the problem was found. */
  position?: number;
  /** The underlying error, when this one wraps another (for example a JSON syntax error). */
  cause?: unknown;
  /** For a type this service does not model (`variant`, `void`, …): its name. */
  unsupportedType?: string;
}

/**
 * A table schema, a type string or an identifier is invalid: unknown type names, unbalanced brackets,
 * duplicate column names, unsafe directory names. The service maps it to INVALID_ARGUMENT.
 */
export class SchemaError extends Error {
  /** Stable machine-readable code, shared by every schema error. */
  readonly code = "SCHEMA_ERROR";
  /** The offending text, when there is one. */
  readonly text: string | undefined;
  /** Zero-based offset into {@link SchemaError.text}, when known. */
  readonly position: number | undefined;
  /** The name of a type this service does not model, when that is the problem. */
  readonly unsupportedType: string | undefined;

  constructor(message: string, options: SchemaErrorOptions = {}) {
    super(describe(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SchemaError";
    this.text = options.text;
    this.position = options.position;
    this.unsupportedType = options.unsupportedType;
  }
}

// Puts the text and position in the message so a log line alone is enough to find the mistake.
function describe(message: string, options: SchemaErrorOptions): string {
  if (options.text === undefined) return message;
  const where = options.position === undefined ? "" : ` at position ${options.position}`;
  return `${message} (in ${JSON.stringify(options.text)}${where})`;
}
