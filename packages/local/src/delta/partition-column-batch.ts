/**
 * Splits a batch of Arrow columns (an Arrow Flight DoPut batch) by the values of the table's partition
 * columns: one piece per partition, holding that partition's rows of the other columns, in order, and
 * the partition values as `partitionValueText` writes them for rows (the record path's function, so a
 * value lands in the same partition whichever way it arrived).
 *
 * Runs of equal partition values are found by comparing values in place (a tight typed-array loop for
 * a date or integer column without nulls), and each run's partition is looked up by its raw values, so
 * a text is made once per partition, not per row or run. A partition whose rows form one run keeps views of the
 * batch's buffers (`selectColumnRows` on a range); a partition whose rows are spread over several runs
 * is gathered once by row indices. Either way a batch gives at most one piece per partition, and at
 * most {@link MAX_PARTITIONS_PER_BATCH} pieces.
 */
import * as arrow from "apache-arrow";
import type { DeltaField, RowValue } from "../schema/delta-type.js";
import { readDecimal } from "./decimal128.js";
import { partitionValueText } from "./partition-values.js";
import { selectColumnRows } from "./select-column-rows.js";
import type { ColumnBatch } from "./write-column-data-file.js";

/**
 * The most partitions one batch may touch (Zerobus allows a table 1000 partitions per 5 s, DELTA.md §1.5):
 * bounds the files a batch can add to a commit.
 */
export const MAX_PARTITIONS_PER_BATCH = 1000;

/** A batch whose rows fall into more partitions than {@link MAX_PARTITIONS_PER_BATCH}. */
export class PartitionLimitError extends Error {
  override readonly name = "PartitionLimitError";
}

interface Group {
  values: Array<string | null>;
  /** Runs of rows as [start, end) pairs. */
  runs: number[];
  rows: number;
}

/**
 * The pieces of `batch` (columns of `fields`, in table order) per partition: each piece's `columns` are
 * the non-partition columns, in table order, and its `partitionValues` the texts of `partitionColumns`.
 *
 * @throws PartitionLimitError when the rows span more than {@link MAX_PARTITIONS_PER_BATCH} partitions.
 */
export function splitByPartition(fields: readonly DeltaField[], partitionColumns: readonly string[], batch: ColumnBatch): ColumnBatch[] {
  const partitionIndexes = partitionColumns.map((column) => fields.findIndex((field) => field.name === column));
  const dataColumns = batch.columns.filter((_, i) => !partitionIndexes.includes(i));
  const keys = partitionIndexes.map((i) => batch.columns[i]!);
  // Groups by partition text; `byRaw` remembers the group of each raw key seen (the values' bytes as a
  // string), so interleaved rows cost a lookup, not a text per row.
  const groups = new Map<string, Group>();
  const byRaw = new Map<string | number | bigint, Group>();
  const rawKeyOf = rawKeys(keys);
  for (let row = 0; row < batch.numRows; ) {
    let end = batch.numRows;
    for (const data of keys) end = runEnd(data, row, end);
    const raw = rawKeyOf(row);
    let group = byRaw.get(raw);
    if (group === undefined) {
      const values = partitionIndexes.map((index, k) => partitionValueText(fields[index]!.type, valueAt(keys[k]!, fields[index]!, row)));
      const key = JSON.stringify(values);
      group = groups.get(key);
      if (group === undefined) {
        if (groups.size >= MAX_PARTITIONS_PER_BATCH) {
          throw new PartitionLimitError(`the batch's rows fall into more than ${MAX_PARTITIONS_PER_BATCH} partitions (of ${partitionColumns.join(", ")})`);
        }
        group = { values, runs: [], rows: 0 };
        groups.set(key, group);
      }
      byRaw.set(raw, group);
    }
    group.runs.push(row, end);
    group.rows += end - row;
    row = end;
  }
  return [...groups.values()].map((group) => {
    // A batch of one partition (the usual case) hands its columns over as they are.
    if (group.rows === batch.numRows) return { numRows: group.rows, columns: dataColumns, partitionValues: group.values };
    const rows = group.runs.length === 2 ? { start: group.runs[0]!, end: group.runs[1]! } : rowIndexes(group);
    return { numRows: group.rows, columns: dataColumns.map((data) => selectColumnRows(data, rows)), partitionValues: group.values };
  });
}

function rowIndexes(group: Group): Int32Array {
  const indexes = new Int32Array(group.rows);
  let next = 0;
  for (let r = 0; r < group.runs.length; r += 2) for (let row = group.runs[r]!; row < group.runs[r + 1]!; row++) indexes[next++] = row;
  return indexes;
}

function isNull(data: arrow.Data, row: number): boolean {
  const bitmap = data.nullBitmap;
  return data.nullCount > 0 && bitmap !== undefined && bitmap.length > 0 && (bitmap[row >> 3]! & (1 << (row & 7))) === 0;
}

// The first row after `start` (before `limit`) whose value differs from row `start`'s, compared in place.
function runEnd(data: arrow.Data, start: number, limit: number): number {
  let row = start + 1;
  if (data.nullCount === 0 && data.valueOffsets === undefined && data.stride === 1 && !arrow.DataType.isBool(data.type)) {
    // The common case (a date, an integer): one tight loop over the typed array.
    const values = data.values as ArrayLike<number | bigint>;
    const value = values[start];
    while (row < limit && values[row] === value) row++;
    return row;
  }
  while (row < limit && sameValue(data, start, row)) row++;
  return row;
}

// Rows `a` and `b` hold the same value (or are both NULL).
function sameValue(data: arrow.Data, a: number, b: number): boolean {
  const nullA = isNull(data, a);
  if (nullA !== isNull(data, b)) return false;
  if (nullA) return true;
  const offsets = data.valueOffsets as Int32Array | undefined;
  if (offsets !== undefined) {
    const bytes = data.values as Uint8Array;
    const length = offsets[a + 1]! - offsets[a]!;
    if (offsets[b + 1]! - offsets[b]! !== length) return false;
    for (let k = 0; k < length; k++) if (bytes[offsets[a]! + k] !== bytes[offsets[b]! + k]) return false;
    return true;
  }
  if (arrow.DataType.isBool(data.type)) {
    const bits = data.values as Uint8Array;
    return ((bits[a >> 3]! >> (a & 7)) & 1) === ((bits[b >> 3]! >> (b & 7)) & 1);
  }
  const stride = data.stride;
  const values = data.values as ArrayLike<number | bigint>;
  for (let k = 0; k < stride; k++) if (values[a * stride + k] !== values[b * stride + k]) return false;
  return true;
}

// A key that differs between rows of different partition values (not necessarily of different texts):
// a single number or date column's value itself, otherwise its values' bytes, length-prefixed.
function rawKeys(keys: readonly arrow.Data[]): (row: number) => string | number | bigint {
  const only = keys[0]!;
  if (keys.length === 1 && only.valueOffsets === undefined && only.stride === 1 && !arrow.DataType.isBool(only.type)) {
    const values = only.values as ArrayLike<number | bigint>;
    return (row) => (isNull(only, row) ? "N" : values[row]!);
  }
  return (row) => {
    let raw = "";
    for (const data of keys) {
      const part = rawKey(data, row);
      raw += `${part.length}:${part}`;
    }
    return raw;
  };
}

// A string that differs between different values of the column (not necessarily between texts).
function rawKey(data: arrow.Data, row: number): string {
  if (isNull(data, row)) return "N";
  const offsets = data.valueOffsets as Int32Array | undefined;
  if (offsets !== undefined) return LATIN1.decode((data.values as Uint8Array).subarray(offsets[row]!, offsets[row + 1]!));
  if (arrow.DataType.isBool(data.type)) return (((data.values as Uint8Array)[row >> 3]! >> (row & 7)) & 1) === 1 ? "t" : "f";
  const stride = data.stride;
  const values = data.values as ArrayLike<number | bigint>;
  if (stride === 1) return String(values[row]);
  let key = "";
  for (let k = 0; k < stride; k++) key += `${values[row * stride + k]},`;
  return key;
}

// The row value of a partition column, as the record path holds it (see delta-type.ts).
function valueAt(data: arrow.Data, field: DeltaField, row: number): RowValue {
  if (isNull(data, row)) return null;
  const type = field.type;
  if (type.kind === "decimal") return readDecimal(data.values as Uint32Array, row);
  if (type.kind !== "primitive") throw new TypeError(`A ${type.kind} column cannot be a partition column`);
  switch (type.name) {
    case "string": {
      const offsets = data.valueOffsets as Int32Array;
      return TEXT.decode((data.values as Uint8Array).subarray(offsets[row]!, offsets[row + 1]!));
    }
    case "binary": {
      const offsets = data.valueOffsets as Int32Array;
      return (data.values as Uint8Array).subarray(offsets[row]!, offsets[row + 1]!);
    }
    case "boolean":
      return (((data.values as Uint8Array)[row >> 3]! >> (row & 7)) & 1) === 1;
    default:
      return (data.values as ArrayLike<number | bigint>)[row]!;
  }
}

const TEXT = new TextDecoder();
const LATIN1 = new TextDecoder("latin1");
