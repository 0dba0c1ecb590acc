/**
 * Why a file's column cannot go into the table: its type never fits (found before a batch of the file is
 * sent), or one value does not (found in the batch, with its row).
 */

/** A file column whose type, name or absence does not fit the table. */
export class ColumnMismatchError extends Error {
  override readonly name = "ColumnMismatchError";
}

/** A value that does not fit its column; `row` is its position in the batch being converted. */
export class ColumnValueError extends Error {
  override readonly name = "ColumnValueError";
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
  }
}
