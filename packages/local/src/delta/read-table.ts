import { readFile } from "node:fs/promises";
import type { DeltaField, Row } from "../schema/delta-type.js";
import { assertColumnMappingMetadata, columnMappingMode, physicalName } from "./column-mapping.js";
import { resolveDataPath } from "./data-paths.js";
import { loadDeletedRows } from "./deletion-vector.js";
import { DeltaError } from "./delta-error.js";
import { isErrno } from "./durable-fs.js";
import { loadSnapshot } from "./load-snapshot.js";
import { parsePartitionValue } from "./partition-values.js";
import { readDataFileRows } from "./read-data-file.js";
import { assertReadable } from "./table-features.js";

/** Options of {@link readTable}. */
export interface ReadTableOptions {
  /** The version to read (time travel); default the latest. */
  version?: number;
  /** Stop after this many rows (files are read in log order); default all rows. */
  limit?: number;
}

/** Everything {@link readTable} returns. */
export interface TableContents {
  version: number;
  /** The table's columns at that version, with their logical names. */
  fields: DeltaField[];
  /** The rows, file after file in log order (at most `limit`). */
  rows: Row[];
  /** The live data files read, as file-system paths. */
  files: string[];
  /** Whether `limit` cut the result short (the table has more rows). */
  truncated: boolean;
}

/**
 * Reads a table at a version: log replay, then every live Parquet file, converted to the row model
 * of delta-type.ts (int64 and timestamps as bigint µs, decimals as unscaled bigint, binary as
 * Uint8Array). Partition columns are filled from `partitionValues`, columns absent from a file are
 * null, rows removed by deletion vectors are skipped, and with column mapping the files' physical
 * columns (by name or field id) come out under their logical names.
 *
 * @throws DeltaError TABLE_NOT_FOUND, VERSION_NOT_FOUND, LOG_INVALID (a damaged log, data file or
 * deletion vector, or a data file that is missing), or UNSUPPORTED_FEATURE naming a reader feature
 * this reader does not implement.
 */
export async function readTable(dir: string, options: ReadTableOptions = {}): Promise<TableContents> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new RangeError(`limit must be zero or more, not ${options.limit}`);
  const snapshot = await loadSnapshot(dir, options.version === undefined ? {} : { version: options.version });
  assertReadable(snapshot.protocol, snapshot.metadata);
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  assertColumnMappingMetadata(snapshot.fields, mode);
  const partitionFields = snapshot.fields.filter((field) => snapshot.partitionColumns.includes(field.name));
  const rows: Row[] = [];
  const files: string[] = [];
  let truncated = false;
  for (const add of snapshot.files) {
    if (truncated) break;
    const path = resolveDataPath(dir, add.path);
    files.push(path);
    const partitionValues: Row = {};
    for (const field of partitionFields) {
      partitionValues[field.name] = parsePartitionValue(field, add.partitionValues?.[physicalName(field, mode)]);
    }
    const deletedRows = add.deletionVector == null ? [] : await loadDeletedRows(dir, add.deletionVector);
    const fileRows = readDataFileRows(await readDataFile(path, add.path), { fields: snapshot.fields, mode, partitionValues, deletedRows, where: add.path });
    for (const row of fileRows) {
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      rows.push(row);
    }
  }
  return { version: snapshot.version, fields: snapshot.fields, rows, files, truncated };
}

async function readDataFile(path: string, logPath: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isErrno(error, "ENOENT")) {
      throw new DeltaError("LOG_INVALID", `The data file ${logPath} is in the log but missing from storage (${path})`, { cause: error });
    }
    throw error;
  }
}
