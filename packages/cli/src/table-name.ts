/**
 * Three-part table names (`catalog.schema.table`) as the command line takes them.
 */
import { UsageError } from "./cli-error.js";

/** A parsed table name. */
export interface TableName {
  catalog: string;
  schema: string;
  table: string;
  /** `catalog.schema.table`. */
  fullName: string;
}

/** Splits `catalog.schema.table`; a `UsageError` unless there are exactly three non-empty parts. */
export function parseTableName(text: string): TableName {
  const parts = text.split(".");
  if (parts.length !== 3 || parts.some((p) => p.trim() === "")) {
    throw new UsageError(`table names have three parts, catalog.schema.table; got '${text}'`);
  }
  const [catalog, schema, table] = parts as [string, string, string];
  return { catalog, schema, table, fullName: text };
}
