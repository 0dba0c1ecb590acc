/**
 * The error every record decoder throws when one record cannot become a row of the table: it names the
 * column (as a dotted path for struct fields, `[i]` for array elements) so the service can tell the
 * client exactly which value was wrong.
 */
export class RecordError extends Error {
  override readonly name = "RecordError";
  /** Dotted path of the offending column (`address.city`, `tags[2]`), or `""` for the record as a whole. */
  readonly column: string;
  /** What was wrong, without the column prefix (the full `message` includes it). */
  readonly reason: string;

  constructor(column: string, reason: string, options?: { cause?: unknown }) {
    super(column === "" ? reason : `column '${column}': ${reason}`, options);
    this.column = column;
    this.reason = reason;
  }
}

/** Appends a child segment to a column path: a struct field name, or an array/map position in brackets. */
export function childPath(parent: string, child: string | number): string {
  if (typeof child === "number") return `${parent}[${child}]`;
  return parent === "" ? child : `${parent}.${child}`;
}
