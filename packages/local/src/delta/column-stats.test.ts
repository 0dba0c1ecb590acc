import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import type { Row } from "../schema/delta-type.js";
import { buildArrowData } from "./arrow-builders.js";
import { computeColumnStats } from "./column-stats.js";
import { computeStats } from "./compute-stats.js";

const FIELDS = parseColumnList(
  "s STRING, i INT, b BIGINT, t TINYINT, f FLOAT, d DOUBLE, dt DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, dec DECIMAL(12,3), ok BOOLEAN, bin BINARY",
);

function rowsAt(seed: number, n: number): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = seed * 100 + k;
    const nul = (m: number) => i % m === 0;
    return {
      s: nul(7) ? null : ["ü-long-value-".repeat(i % 4), "\u{1F600}", "zz", "a"][i % 4] + String(i),
      i: nul(5) ? null : (i * 7919) % 2001 - 1000,
      b: nul(6) ? null : BigInt(i) * (i % 2 === 0 ? -(2n ** 40n) : 3n),
      t: (i % 250) - 125,
      f: i % 9 === 0 ? Number.NaN : i / 4, // exact in float32, as the stored values are
      d: nul(4) ? null : -i * 1.5,
      dt: i - 50,
      ts: BigInt(i) * 1_000_001n - 5_000_000n,
      ntz: nul(3) ? null : BigInt(i) * 7n,
      dec: nul(8) ? null : BigInt(i) * 12345n - 400_000n,
      ok: i % 2 === 0,
      bin: new Uint8Array([i % 256]),
    };
  });
}

describe("computeColumnStats", () => {
  it("gives the same add.stats as computeStats over the same rows, across several parts", () => {
    const parts = [rowsAt(0, 40), rowsAt(1, 17), rowsAt(2, 1)];
    const columns = FIELDS.map((field) => parts.map((rows) => buildArrowData(field.type, rows.map((row) => row[field.name]))));
    const all = parts.flat();
    for (const options of [{}, { numIndexedCols: 3, stringPrefixLength: 5 }]) {
      assert.deepEqual(JSON.parse(computeColumnStats(FIELDS, columns, all.length, options)), JSON.parse(computeStats(FIELDS, all, options)));
    }
  });

  it("has no bounds for an all-null column", () => {
    const fields = parseColumnList("s STRING, b BIGINT");
    const rows: Row[] = [{ s: null, b: null }, { s: null, b: null }];
    const columns = fields.map((field) => [buildArrowData(field.type, rows.map((row) => row[field.name]))]);
    assert.deepEqual(JSON.parse(computeColumnStats(fields, columns, 2)), JSON.parse(computeStats(fields, rows)));
  });
});
