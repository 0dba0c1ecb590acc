/** A batch that cannot be written: malformed buffers, or values that do not fit their columns. */
export class InvalidBatchError extends Error {
  override readonly name = "InvalidBatchError";
}
