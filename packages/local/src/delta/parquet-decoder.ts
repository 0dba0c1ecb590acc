import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm";
import type { RowValue } from "../schema/delta-type.js";
import { vectorValues } from "./arrow-values.js";

/** The columns of one Parquet file, by top-level column name, in the arrow-values.ts value model. */
export interface DecodedParquet {
  numRows: number;
  columns: Map<string, RowValue[]>;
  /** The file's top-level columns as Arrow fields (names, types, `PARQUET:field_id` metadata). */
  fields: arrow.Field[];
}

/**
 * Reads a whole Parquet file with parquet-wasm (parquet-rs): to Arrow in WebAssembly memory, across to
 * apache-arrow as an IPC stream, then into plain values. parquet-rs handles every physical layout
 * Spark and parquet-mr write (INT96, legacy 2-level lists, dictionary pages, DataPageV2).
 */
export function decodeParquet(bytes: Uint8Array): DecodedParquet {
  const table = arrow.tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
  const columns = new Map<string, RowValue[]>();
  table.schema.fields.forEach((field, index) => {
    columns.set(field.name, vectorValues(table.getChildAt(index)!));
  });
  return { numRows: table.numRows, columns, fields: table.schema.fields };
}
