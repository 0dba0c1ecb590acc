import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { DeltaField, Row, RowValue } from "../schema/delta-type.js";
import { coerceValue, lookup } from "./coerce-value.js";
import { DeltaError } from "./delta-error.js";
import { loadSnapshot } from "./load-snapshot.js";
import { decodeParquet } from "./parquet-decoder.js";
import { readTable } from "./read-table.js";

/** Spark-written tables (DELTA.md §3.3) whose `expected/` rows our reader must reproduce. */
const GOLDEN = "/work/shared/data/delta-golden";
const TABLES = [
  "data-reader-primitives",
  "data-reader-partition-values",
  "data-reader-nested-struct",
  "data-reader-map",
  "data-reader-array-primitives",
  "data-reader-array-complex-objects",
  "data-reader-date-types-utc",
  "data-reader-timestamp_ntz",
  "124-decimal-decode-bug",
  "125-iterator-bug",
  "basic-decimal-table",
  "basic-decimal-table-legacy",
  "basic-with-inserts-deletes-checkpoint",
  "basic-with-inserts-overwrite-restore",
  "basic-with-inserts-merge",
  "kernel-timestamp-int96",
  "kernel-timestamp-timestamp_micros",
  "kernel-timestamp-timestamp_millis",
  "decimal-various-scale-precision",
  "multi-part-checkpoint",
  "only-checkpoint-files",
  "corrupted-last-checkpoint-kernel",
  "parquet-all-types",
];

/**
 * Spark wrote this table's timestamp partition value (`2021-09-08 11:11:11`, no zone) in its session
 * zone, America/Los_Angeles (UTC-7 then), and its expected/ rows carry that instant. Readers, like
 * ours and delta-kernel-rs (which skips this table for that reason), read zone-less partition
 * timestamps as UTC, so the expected value is shifted by the 7 hours before comparing.
 */
const PARTITION_TIMESTAMP_SHIFT_US: Readonly<Record<string, bigint>> = {
  "data-reader-partition-values": -7n * 3600n * 1_000_000n,
};

// The rows of a table's expected/ Parquet files, converted to the table's row model.
function expectedRows(table: string, fields: readonly DeltaField[]): Row[] {
  const dir = join(GOLDEN, table, "expected");
  const rows: Row[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith(".parquet")).sort()) {
    const decoded = decodeParquet(readFileSync(join(dir, name)));
    const columns = Object.fromEntries(decoded.columns) as unknown as Row;
    for (let i = 0; i < decoded.numRows; i++) {
      const row: Row = {};
      for (const field of fields) row[field.name] = coerceValue(field.type, ((lookup(columns, field.name) as RowValue[] | undefined) ?? [])[i]);
      rows.push(row);
    }
  }
  return rows;
}

// Order-independent comparison key of a row (bigints, bytes and -0 made explicit).
function canonical(row: Row): string {
  return JSON.stringify(row, (_, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    return value;
  });
}

describe("readTable on Spark-written golden tables", () => {
  for (const table of TABLES) {
    it(table, { skip: !existsSync(join(GOLDEN, table)) && "golden data not present" }, async () => {
      const result = await readTable(join(GOLDEN, table, "delta"));
      const expected = expectedRows(table, result.fields);
      const shift = PARTITION_TIMESTAMP_SHIFT_US[table];
      if (shift !== undefined) {
        for (const row of expected) if (typeof row["as_timestamp"] === "bigint") row["as_timestamp"] += shift;
      }
      assert.equal(result.rows.length, expected.length);
      assert.deepEqual(result.rows.map(canonical).sort(), expected.map(canonical).sort());
    });
  }
});

describe("loadSnapshot on broken golden tables", () => {
  const cases: Array<[string, string]> = [
    ["versions-not-contiguous", "LOG_INVALID"],
    ["no-delta-log-folder", "TABLE_NOT_FOUND"],
  ];
  for (const [table, code] of cases) {
    it(`${table} fails with ${code}`, async () => {
      await assert.rejects(loadSnapshot(join(GOLDEN, table, "delta")), (error: unknown) => error instanceof DeltaError && error.code === code);
    });
  }

  it("deltalog-invalid-protocol-version is refused by readTable", async () => {
    await assert.rejects(readTable(join(GOLDEN, "deltalog-invalid-protocol-version", "delta")), (error: unknown) => error instanceof DeltaError && error.code === "UNSUPPORTED_FEATURE");
  });

  it("corrupted-last-checkpoint-kernel still starts from the v10 checkpoint", async () => {
    const snapshot = await loadSnapshot(join(GOLDEN, "corrupted-last-checkpoint-kernel", "delta"));
    assert.equal(snapshot.checkpointVersion, 10);
    assert.equal(snapshot.version, 11);
  });
});
