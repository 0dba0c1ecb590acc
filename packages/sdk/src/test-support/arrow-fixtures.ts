/**
 * Arrow test data: the numbered-rows table the fault tests use (`id BIGINT NOT NULL, pad STRING`) as an
 * Arrow schema (canonical mapping: Int64 not null, LargeUtf8) and batches of consecutive ids.
 */
import type { RecordBatch, Schema } from "apache-arrow";
import * as arrow from "apache-arrow";
import { ArrowDataType, type ArrowField } from "../arrow/arrow-types.js";

/** `id BIGINT NOT NULL, pad STRING` in the official TypeScript shape. */
export const NUMBERED_FIELDS: ArrowField[] = [
  { name: "id", dataType: ArrowDataType.Int64, nullable: false },
  { name: "pad", dataType: ArrowDataType.LargeUtf8 },
];

/** The same as an apache-arrow Schema. */
export const numberedSchema = (): Schema =>
  new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false), new arrow.Field("pad", new arrow.LargeUtf8(), true)]);

/** Rows `first` … `first + rows - 1`, each with a pad of `padBytes` characters. */
export function numberedBatch(first: number, rows: number, padBytes = 8, schema: Schema = numberedSchema()): RecordBatch {
  const ids = new BigInt64Array(rows);
  for (let i = 0; i < rows; i++) ids[i] = BigInt(first + i);
  const pad = "x".repeat(padBytes);
  const pads = arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => `${(first + i) % 10}${pad}`), new arrow.LargeUtf8());
  const idData = arrow.makeData({ type: new arrow.Int64(), length: rows, data: ids });
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows,
    children: [idData, pads.data[0]!],
  });
  return new arrow.RecordBatch(schema, struct);
}

/** The batch as Arrow IPC stream bytes. */
export const ipcBytes = (batch: RecordBatch): Uint8Array => arrow.tableToIPC(new arrow.Table([batch]), "stream");
