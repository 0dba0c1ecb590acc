import type { Row, RowValue } from "../schema/delta-type.js";

/**
 * A rough in-memory size of rows, used only to trigger a flush before a batch grows too large
 * (`maxBytes`). It counts 8 bytes per scalar, string length (UTF-16 units as a stand-in for UTF-8
 * bytes), binary length, and recurses into structs, arrays and maps; it is not the Parquet size.
 */
export function estimateRowsBytes(rows: readonly Row[]): number {
  let total = 0;
  for (const row of rows) total += estimateValueBytes(row);
  return total;
}

function estimateValueBytes(value: RowValue | undefined): number {
  if (value === null || value === undefined) return 1;
  switch (typeof value) {
    case "string":
      return value.length + 4;
    case "number":
    case "bigint":
    case "boolean":
      return 8;
  }
  if (value instanceof Uint8Array) return value.length + 4;
  let total = 4;
  if (Array.isArray(value)) {
    for (const item of value) total += estimateValueBytes(item as RowValue);
  } else {
    for (const key in value) total += estimateValueBytes(value[key]);
  }
  return total;
}
