/**
 * Which reader a file needs, by its extension (or `--format`): row files (JSON Lines, CSV) go through a
 * record stream, columnar files (Parquet, Arrow IPC) through an Arrow stream.
 */
import { extname } from "node:path";
import { UsageError } from "../cli-error.js";
import type { InputFormat } from "./input-records.js";

/** Columnar file formats: Parquet, Arrow IPC file (`.arrow`, `.feather`) and Arrow IPC stream (`.arrows`). */
export type ColumnarFormat = "parquet" | "arrow" | "arrows";

/** Every format `zerobus ingest` reads. */
export type FileFormat = InputFormat | ColumnarFormat;

const BY_EXTENSION: Record<string, FileFormat> = {
  ".csv": "csv",
  ".parquet": "parquet",
  ".arrow": "arrow",
  ".feather": "arrow",
  ".arrows": "arrows",
};

// Formats people have in data directories that would otherwise be read as JSON Lines and fail on line 1.
const UNSUPPORTED = new Set([".avro", ".orc", ".xlsx", ".xls", ".gz", ".bz2", ".zst", ".zip", ".tsv", ".pq"]);

/** `--format` values. */
export function parseFileFormat(value: string | undefined): FileFormat | undefined {
  if (value === undefined) return undefined;
  if (value === "jsonl" || value === "csv" || value === "parquet" || value === "arrow" || value === "arrows") return value;
  if (value === "json" || value === "ndjson") return "jsonl";
  throw new UsageError(`--format must be jsonl, csv, parquet, arrow or arrows, got '${value}'`);
}

/** The format of `path`: by `override`, else its extension; anything not listed is JSON Lines. Throws for a known unsupported one. */
export function fileFormatOf(path: string, override: FileFormat | undefined): FileFormat {
  if (override !== undefined) return override;
  const extension = extname(path).toLowerCase();
  if (UNSUPPORTED.has(extension)) {
    throw new UsageError(`cannot ingest '${path}': ${extension} files are not supported (zerobus ingest reads .jsonl, .csv, .parquet, .arrow and .arrows; --format picks one)`);
  }
  return BY_EXTENSION[extension] ?? "jsonl";
}

/** True for Parquet and Arrow IPC. */
export function isColumnar(format: FileFormat): format is ColumnarFormat {
  return format === "parquet" || format === "arrow" || format === "arrows";
}
