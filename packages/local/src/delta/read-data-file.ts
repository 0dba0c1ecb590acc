import type { DeltaField, Row } from "../schema/delta-type.js";
import type { ColumnMappingMode } from "./column-mapping.js";
import { DeltaError, UnsupportedFeatureError } from "./delta-error.js";
import { applyPlan, hasFieldIds, planStruct, type FileValuePlan } from "./file-value-plan.js";
import { decodeParquet } from "./parquet-decoder.js";

/** How the rows of one data file are to be read. */
export interface DataFileRead {
  /** The table's columns, in order (partition columns included). */
  fields: readonly DeltaField[];
  /** The column mapping mode the file's columns are named by. */
  mode: ColumnMappingMode;
  /** Values of the partition columns (by logical name), which the file does not store. */
  partitionValues: Row;
  /** Row indexes a deletion vector removes, ascending; empty when none. */
  deletedRows: readonly number[];
  /** The file's path, for messages. */
  where: string;
}

/**
 * The logical rows of one Parquet data file: every table column in schema order, partition columns
 * from `partitionValues`, columns the file lacks as null, rows a deletion vector removed skipped.
 *
 * @throws DeltaError (LOG_INVALID) when the file is not readable Parquet or stores a column with an
 * unreadable type; (UNSUPPORTED_FEATURE) for an `id`-mapped table whose file has no field ids.
 */
export function readDataFileRows(bytes: Uint8Array, read: DataFileRead): Row[] {
  let decoded;
  try {
    decoded = decodeParquet(bytes);
  } catch (cause) {
    throw new DeltaError("LOG_INVALID", `Data file ${read.where} is not readable Parquet: ${(cause as Error).message}`, { cause });
  }
  if (read.mode === "id" && decoded.fields.length > 0 && !hasFieldIds(decoded.fields)) {
    // The protocol lets a reader refuse such a file or read it as all nulls; silence would lose data.
    throw new UnsupportedFeatureError("columnMapping", `Data file ${read.where} has no Parquet field ids, which column mapping mode id needs`);
  }
  const dataFields = read.fields.filter((field) => !(field.name in read.partitionValues));
  let plan: FileValuePlan;
  try {
    plan = planStruct(dataFields, decoded.fields, read.mode, "");
  } catch (error) {
    if (error instanceof DeltaError && error.code === "LOG_INVALID") {
      throw new DeltaError("LOG_INVALID", `Data file ${read.where}: ${error.message.replace(/^\[LOG_INVALID\] /, "")}`, { cause: error });
    }
    throw error;
  }
  if (plan.t !== "struct") throw new TypeError("a file plan is a struct plan");
  const columns = plan.members.map((member) => (member.source === null ? null : decoded.columns.get(member.source)!));
  const rows: Row[] = [];
  let nextDeleted = 0;
  for (let i = 0; i < decoded.numRows; i++) {
    if (read.deletedRows[nextDeleted] === i) {
      nextDeleted++;
      continue;
    }
    const row: Row = {};
    for (const field of read.fields) row[field.name] = read.partitionValues[field.name] ?? null;
    plan.members.forEach((member, c) => {
      row[member.name] = member.source === null ? null : applyPlan(member.plan, columns[c]![i]);
    });
    rows.push(row);
  }
  return rows;
}
