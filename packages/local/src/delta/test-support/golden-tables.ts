/**
 * Checks this package's Delta reader against the Spark-written golden tables of delta-kernel-rs
 * (DELTA.md §3.3, unpacked in /work/shared/data/delta-golden): for every table, read the latest
 * version and compare it with the rows in `expected/`, or record how the read was refused. Used by
 * `read-table-golden.test.ts` and by `scripts/delta-golden-report.ts`, which writes the results table
 * of docs/delta-golden.md. Not used by production code.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DeltaField, Row } from "../../schema/delta-type.js";
import { DeltaError, UnsupportedFeatureError } from "../delta-error.js";
import { loadSnapshot } from "../load-snapshot.js";
import { readDataFileRows } from "../read-data-file.js";
import { readTable } from "../read-table.js";
import { GOLDEN_DIR } from "../test-fixtures.js";

export { GOLDEN_DIR };

/** One golden table: its name (`hive/<table>` for the tables inside `hive/delta/`) and where it is. */
export interface GoldenTable {
  name: string;
  /** The table root (holding `_delta_log/`). */
  dir: string;
  /** The `expected/` directory, or null when the table has none. */
  expectedDir: string | null;
}

/** How reading a golden table went. */
export type GoldenOutcome =
  | { kind: "match"; rows: number }
  | { kind: "mismatch"; rows: number; expectedRows: number; detail: string }
  | { kind: "refused"; feature: string; message: string }
  | { kind: "failed"; code: string; message: string }
  | { kind: "read"; rows: number };

/** A golden table's outcome plus what log replay alone finds (useful for log-only tables). */
export interface GoldenResult {
  table: GoldenTable;
  outcome: GoldenOutcome;
  /** `v14, 1 live file, from checkpoint 10`, or the error code replay fails with. */
  replay: string;
}

/** Checks every golden table, in name order. */
export async function checkAllGoldenTables(root = GOLDEN_DIR): Promise<GoldenResult[]> {
  const results: GoldenResult[] = [];
  for (const table of listGoldenTables(root)) {
    results.push({ table, outcome: await checkGoldenTable(table), replay: await describeReplay(table.dir) });
  }
  return results;
}

/** What replaying a table's log finds, in a few words. */
export async function describeReplay(dir: string): Promise<string> {
  try {
    const snapshot = await loadSnapshot(dir);
    const files = `${snapshot.files.length} live file${snapshot.files.length === 1 ? "" : "s"}`;
    const start = snapshot.checkpointVersion === null ? "" : `, from checkpoint ${snapshot.checkpointVersion}`;
    return `v${snapshot.version}, ${files}${start}`;
  } catch (error) {
    return error instanceof DeltaError ? error.code : "CRASH";
  }
}

/** Every golden table folder with a `delta/` directory, plus the tables inside `hive/delta/`, sorted. */
export function listGoldenTables(root = GOLDEN_DIR): GoldenTable[] {
  if (!existsSync(root)) return [];
  const tables: GoldenTable[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name, "delta");
    if (!isDirectory(dir)) continue;
    const expected = join(root, name, "expected");
    tables.push({ name, dir, expectedDir: isDirectory(expected) ? expected : null });
    if (name === "hive") {
      for (const inner of readdirSync(dir).sort()) {
        if (isDirectory(join(dir, inner, "_delta_log"))) tables.push({ name: `hive/${inner}`, dir: join(dir, inner), expectedDir: null });
      }
    }
  }
  return tables;
}

/**
 * Spark wrote this table's timestamp partition value (`2021-09-08 11:11:11`, no zone) in its session
 * zone, America/Los_Angeles (UTC-7 then), and its expected/ rows carry that instant. Readers, like
 * ours and delta-kernel-rs (which skips this table for that reason), read zone-less partition
 * timestamps as UTC, so the expected value is shifted by the 7 hours before comparing.
 */
const EXPECTED_TIMESTAMP_SHIFT_US: Readonly<Record<string, { column: string; shift: bigint }>> = {
  "data-reader-partition-values": { column: "as_timestamp", shift: -7n * 3600n * 1_000_000n },
};

/** Reads a golden table's latest version and compares it with its expected rows, if it has any. */
export async function checkGoldenTable(table: GoldenTable, version?: number): Promise<GoldenOutcome> {
  let contents;
  try {
    contents = await readTable(table.dir, version === undefined ? {} : { version });
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return { kind: "refused", feature: error.feature, message: error.message };
    if (error instanceof DeltaError) return { kind: "failed", code: error.code, message: error.message };
    return { kind: "failed", code: "CRASH", message: String((error as Error)?.stack ?? error) };
  }
  if (table.expectedDir === null) return { kind: "read", rows: contents.rows.length };
  return compareRows(contents.rows, expectedRows(table, contents.fields));
}

/** Compares rows regardless of order; the detail names the first differing row. */
export function compareRows(actual: readonly Row[], expected: readonly Row[]): GoldenOutcome {
  const got = actual.map(canonicalRow).sort();
  const want = expected.map(canonicalRow).sort();
  const index = got.findIndex((row, i) => row !== want[i]);
  if (got.length === want.length && index === -1) return { kind: "match", rows: got.length };
  const at = index === -1 ? Math.min(got.length, want.length) : index;
  return { kind: "mismatch", rows: got.length, expectedRows: want.length, detail: `got ${got[at] ?? "nothing"}, expected ${want[at] ?? "nothing"}` };
}

/** The rows of a table's expected/ Parquet files, in the reader's row model for `fields`. */
export function expectedRows(table: GoldenTable, fields: readonly DeltaField[]): Row[] {
  const dir = table.expectedDir!;
  const rows: Row[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith(".parquet")).sort()) {
    const read = { fields, mode: "none" as const, partitionValues: {}, deletedRows: [], where: `expected/${name}` };
    rows.push(...readDataFileRows(readFileSync(join(dir, name)), read));
  }
  const adjust = EXPECTED_TIMESTAMP_SHIFT_US[table.name];
  if (adjust !== undefined) {
    for (const row of rows) {
      const value = row[adjust.column];
      if (typeof value === "bigint") row[adjust.column] = value + adjust.shift;
    }
  }
  return rows;
}

/** Order-independent comparison key of a row (bigints, bytes and non-finite numbers made explicit). */
export function canonicalRow(row: Row): string {
  return JSON.stringify(row, (_, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (Object.is(value, -0)) return "-0";
    return value;
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
