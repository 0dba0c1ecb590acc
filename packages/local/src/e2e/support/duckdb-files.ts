/**
 * Reads Delta data files with DuckDB's own Parquet reader (`read_parquet`), converting DuckDB values to the
 * canonical row shape (see `canonical-rows.ts`), and exposes `parquet_schema` / `parquet_metadata` for
 * checks of the physical file layout. DuckDB shares no code with the service.
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { DeltaField, Row, RowValue } from "@zerobus-ts/local";

/** An in-memory DuckDB connection; `close()` it when done. */
export interface DuckDb {
  /** Every row of `read_parquet([files])`, as canonical rows. */
  readRows(files: readonly string[], fields: readonly DeltaField[]): Promise<Row[]>;
  /** The rows of any query, as DuckDB values. */
  query(sql: string): Promise<Array<Record<string, DuckDBValue>>>;
  close(): void;
}

/** Opens an in-memory DuckDB. */
export async function openDuckDb(): Promise<DuckDb> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await instance.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjects();
  return {
    query,
    async readRows(files, fields) {
      const columns = fields.map((f) => quoteIdentifier(f.name)).join(", ");
      const objects = await query(`SELECT ${columns} FROM read_parquet(${fileList(files)})`);
      return objects.map((o) => Object.fromEntries(fields.map((f) => [f.name, fromDuckDb(o[f.name] ?? null)])));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A DuckDB list literal of file paths. */
export function fileList(files: readonly string[]): string {
  return `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(", ")}]`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function fromDuckDb(value: DuckDBValue): RowValue {
  if (value === null) return null;
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  if (value instanceof DuckDBDateValue) return value.days;
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return value.micros;
  if (value instanceof DuckDBDecimalValue) return value.value;
  if (value instanceof DuckDBListValue) return value.items.map(fromDuckDb);
  if (value instanceof DuckDBMapValue) return value.entries.map((e) => [fromDuckDb(e.key), fromDuckDb(e.value)]);
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, fromDuckDb(v)]));
  if (typeof value === "object") throw new Error(`unexpected DuckDB value ${String(value)} (${value.constructor.name})`);
  return value;
}
