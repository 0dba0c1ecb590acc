/**
 * Shared fixtures of the Delta tests: temp directories and a table schema covering every type.
 * Not used by production code.
 */
import { chmod, cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeltaField, Row } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";

/** Creates a fresh temp directory; call the returned cleanup in `after`. */
export async function makeTempDir(prefix = "zerobus-delta-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Where the Spark-written golden tables are (DELTA.md §3.3); `ZEROBUS_DELTA_GOLDEN` overrides it. */
export const GOLDEN_DIR = process.env["ZEROBUS_DELTA_GOLDEN"] ?? "/work/shared/data/delta-golden";

/**
 * Copies a golden table's `delta/` directory to `target` and makes the copy writable (the golden
 * files are read-only), so a test can append to it or damage it.
 */
export async function copyGoldenTable(goldenDir: string, target: string): Promise<string> {
  await cp(goldenDir, target, { recursive: true });
  await makeWritable(target);
  return target;
}

async function makeWritable(path: string): Promise<void> {
  await chmod(path, 0o755);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await makeWritable(child);
    else await chmod(child, 0o644);
  }
}

/** A schema with every supported type, nesting and a NOT NULL column. */
export const ALL_TYPES_FIELDS: DeltaField[] = parseColumnList(`
  id INT NOT NULL, b TINYINT, s SMALLINT, l BIGINT, f FLOAT, d DOUBLE, flag BOOLEAN, name STRING,
  bin BINARY, day DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, amount DECIMAL(38,6), small DECIMAL(5,2),
  tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>,
  nested STRUCT<x: INT NOT NULL, items: ARRAY<STRUCT<z: STRING>>, grid: ARRAY<ARRAY<INT>>>
`);

/** Row `i` of the all-types table; every third row has nulls in every nullable column. */
export function allTypesRow(i: number): Row {
  if (i % 3 === 2) return { id: i };
  return {
    id: i,
    b: -128 + (i % 256),
    s: i % 2 === 0 ? 32_767 : -32_768,
    l: 9_007_199_254_740_993n + BigInt(i), // beyond 2^53
    f: 1.5 * i,
    d: Math.PI * i,
    flag: i % 2 === 0,
    name: `name-${i}-ünïcødé-😀`,
    bin: Uint8Array.from([i & 0xff, 0, 255]),
    day: 19_000 + i,
    ts: 1_700_000_000_123_456n + BigInt(i), // µs precision
    ntz: -1_000_001n * BigInt(i + 1), // before 1970
    amount: -(10n ** 37n) + BigInt(i), // 38 digits
    small: 12_345n - BigInt(i),
    tags: i % 2 === 0 ? ["a", "b"] : [],
    attrs: [["k", BigInt(i)], ["null-valued", null]],
    nested: { x: i, items: [{ z: `z${i}` }, { z: null }], grid: [[1, 2], [], [i]] },
  };
}

/** A row as readTable returns it: every column present, absent values null. */
export function normalizedRow(fields: readonly DeltaField[], row: Row): Row {
  const out: Row = {};
  for (const field of fields) out[field.name] = row[field.name] ?? null;
  return out;
}
