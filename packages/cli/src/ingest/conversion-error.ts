/**
 * A record whose values do not fit the table or message; the ingest loop adds the file and line.
 */

/** A value that cannot be converted. `line` overrides the record's line (a CSV header problem). */
export class ConversionError extends Error {
  override readonly name = "ConversionError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
