import { readFile } from "node:fs/promises";
import type { DeltaField, Row, RowValue } from "../schema/delta-type.js";
import { coerceValue, lookup } from "./coerce-value.js";
import { resolveDataPath } from "./data-paths.js";
import { DeltaError } from "./delta-error.js";
import { loadSnapshot } from "./load-snapshot.js";
import { decodeParquet } from "./parquet-decoder.js";
import { parsePartitionValue } from "./partition-values.js";
import { assertReadable } from "./table-features.js";

/** Options of {@link readTable}. */
export interface ReadTableOptions {
  /** The version to read; default the latest. */
  version?: number;
}

/** Everything {@link readTable} returns. */
export interface TableContents {
  version: number;
  fields: DeltaField[];
  /** All rows, file after file in log order. */
  rows: Row[];
  /** The live data files read, as file-system paths. */
  files: string[];
}

/**
 * Reads a whole table at a version: log replay, then every live Parquet file, converted to the row
 * model (int64 and timestamps as bigint µs, decimals as unscaled bigint, binary as Uint8Array).
 * Partition columns are filled from `partitionValues`, columns absent from a file are null.
 *
 * @throws DeltaError (UNSUPPORTED_FEATURE) for tables using column mapping or files with deletion
 * vectors, which this reader does not apply yet.
 */
export async function readTable(dir: string, options: ReadTableOptions = {}): Promise<TableContents> {
  const snapshot = await loadSnapshot(dir, options);
  assertReadable(snapshot.protocol, snapshot.metadata);
  const partitionFields = snapshot.fields.filter((field) => snapshot.partitionColumns.includes(field.name));
  const rows: Row[] = [];
  const files: string[] = [];
  for (const add of snapshot.files) {
    if (add.deletionVector != null) {
      throw new DeltaError("UNSUPPORTED_FEATURE", `File ${add.path} has a deletion vector, which this reader does not apply yet`);
    }
    const path = resolveDataPath(dir, add.path);
    files.push(path);
    const partitionValues: Row = {};
    for (const field of partitionFields) partitionValues[field.name] = parsePartitionValue(field, add.partitionValues[field.name]);
    for (const row of readFileRows(await readFile(path), snapshot.fields, partitionValues)) rows.push(row);
  }
  return { version: snapshot.version, fields: snapshot.fields, rows, files };
}

function readFileRows(bytes: Uint8Array, fields: readonly DeltaField[], partitionValues: Row): Row[] {
  const decoded = decodeParquet(bytes);
  const fileColumns: Row = Object.fromEntries([...decoded.columns.keys()].map((name) => [name, name]));
  const columns = fields.map((field) => {
    if (field.name in partitionValues) return null;
    const stored = lookup(fileColumns, field.name) as string | undefined;
    return stored === undefined ? undefined : decoded.columns.get(stored)!;
  });
  const rows: Row[] = [];
  for (let i = 0; i < decoded.numRows; i++) {
    const row: Row = {};
    fields.forEach((field, c) => {
      const column = columns[c];
      row[field.name] = column === null ? partitionValues[field.name]! : coerceValue(field.type, column?.[i] as RowValue | undefined);
    });
    rows.push(row);
  }
  return rows;
}
