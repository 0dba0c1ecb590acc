/**
 * Encoding a Parquet file from Arrow columns as a job that can cross to a worker thread: the columns
 * travel as plain buffers (exact copies, transferred), and the worker rebuilds them as Arrow data of the
 * table's types and encodes the file.
 */
import * as arrow from "apache-arrow";
import type { DeltaField } from "../schema/delta-type.js";
import { toArrowField } from "./arrow-builders.js";
import { createParquetEncoder, type ParquetCodec } from "./parquet-encoder.js";
import type { ColumnBatch } from "./write-column-data-file.js";

/** One column of one batch as raw buffers (a nested column with its children's, in type order). */
export interface ColumnBuffers {
  length: number;
  nullCount: number;
  values: Uint8Array | undefined;
  valueOffsets: Uint8Array | undefined;
  nullBitmap: Uint8Array | undefined;
  children: ColumnBuffers[];
}

/** A file to encode: the (physical) fields, and per batch its row count and columns. */
export interface ColumnFileJob {
  id: number;
  fields: readonly DeltaField[];
  codec: ParquetCodec;
  batches: Array<{ numRows: number; columns: ColumnBuffers[] }>;
}

/** The encoded file, or why encoding failed. */
export type ColumnFileReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

/** Copies a batch's columns into exact, transferable buffers (views may share a larger received message). */
export function toJobBatch(batch: ColumnBatch): { job: ColumnFileJob["batches"][number]; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const copy = (view: ArrayBufferView | undefined | null): Uint8Array | undefined => {
    if (view === undefined || view === null) return undefined;
    const out = new Uint8Array(view.byteLength);
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    transfer.push(out.buffer);
    return out;
  };
  const buffersOf = (data: arrow.Data): ColumnBuffers => ({
    length: data.length,
    nullCount: data.nullCount,
    values: copy(data.values),
    valueOffsets: copy(data.valueOffsets),
    nullBitmap: data.nullCount > 0 ? copy(data.nullBitmap) : undefined,
    children: data.children.map(buffersOf),
  });
  return { job: { numRows: batch.numRows, columns: batch.columns.map(buffersOf) }, transfer };
}

/** Encodes the job in this thread. */
export function encodeColumnFileHere(job: Omit<ColumnFileJob, "id">): Uint8Array {
  const schema = new arrow.Schema(job.fields.map(toArrowField));
  const structType = new arrow.Struct(schema.fields);
  const batches = job.batches.map((batch) => {
    const children = batch.columns.map((column, i) => rebuild(schema.fields[i]!.type, column));
    return new arrow.RecordBatch(schema, arrow.makeData({ type: structType, length: batch.numRows, nullCount: 0, children }));
  });
  return createParquetEncoder({ codec: job.codec }).encodeTable(new arrow.Table(schema, batches));
}

// Arrow data of `type` from its buffers: a List or Map takes one `child`, a Struct its `children`.
function rebuild(type: arrow.DataType, column: ColumnBuffers): arrow.Data {
  const children = column.children.map((child, i) => rebuild(type.children[i]!.type, child));
  return arrow.makeData({
    type,
    length: column.length,
    nullCount: column.nullCount,
    nullBitmap: column.nullBitmap,
    data: column.values,
    valueOffsets: column.valueOffsets,
    child: children[0],
    children,
  } as never) as arrow.Data;
}
