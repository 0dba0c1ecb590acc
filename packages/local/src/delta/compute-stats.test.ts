import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { compareCodePoints, computeStats } from "./compute-stats.js";

describe("computeStats", () => {
  const fields = parseColumnList(`
    i INT, l BIGINT, d DOUBLE, b BOOLEAN, s STRING, bin BINARY, day DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ,
    amount DECIMAL(10,2), tags ARRAY<STRING>, m MAP<STRING, INT>, st STRUCT<x: INT, y: STRING>
  `);
  const long = "x".repeat(40);
  const rows: Row[] = [
    { i: 3, l: 2n ** 60n, d: 1.5, b: true, s: "b", bin: new Uint8Array([1]), day: 19_372, ts: 1_686_832_200_000_500n, ntz: 1_686_832_200_000_500n, amount: 12_345n, tags: ["a"], m: [["k", 1]], st: { x: 1, y: "q" } },
    { i: -1, l: -5n, d: Number.NaN, b: false, s: long, bin: null, day: 19_000, ts: 1_686_832_199_999_999n, ntz: 0n, amount: -1n, tags: null, m: null, st: null },
    { i: null, s: "a" + long },
  ];
  const stats = JSON.parse(computeStats(fields, rows));

  it("counts records and nulls for every column, nested ones included", () => {
    assert.equal(stats.numRecords, 3);
    assert.deepEqual(stats.nullCount, { i: 1, l: 1, d: 1, b: 1, s: 0, bin: 2, day: 1, ts: 1, ntz: 1, amount: 1, tags: 2, m: 2, st: { x: 2, y: 2 } });
  });

  it("writes bounds in Delta's formats", () => {
    assert.deepEqual(stats.minValues, {
      i: -1, l: -5, d: 1.5, s: "a" + "x".repeat(31), day: "2022-01-08", ts: "2023-06-15T12:29:59.999Z",
      ntz: "1970-01-01T00:00:00.000", amount: -0.01, st: { x: 1, y: "q" },
    });
    // The longest string is cut for the minimum and dropped for the maximum; timestamps round up.
    assert.deepEqual(stats.maxValues, {
      i: 3, l: 2 ** 60, d: 1.5, day: "2023-01-15", ts: "2023-06-15T12:30:00.001Z",
      ntz: "2023-06-15T12:30:00.001", amount: 123.45, st: { x: 1, y: "q" },
    });
  });

  it("writes longs and decimals as exact JSON numbers", () => {
    const text = computeStats(fields, rows);
    assert.match(text, /"l":1152921504606846976/);
    assert.match(text, /"amount":123\.45/);
  });

  it("limits statistics to the first indexed columns", () => {
    const limited = JSON.parse(computeStats(fields, rows, { numIndexedCols: 2 }));
    assert.deepEqual(Object.keys(limited.nullCount), ["i", "l"]);
  });

  it("orders strings by code point (UTF-8 order)", () => {
    assert.ok(compareCodePoints("\uffff", "😀") < 0);
    assert.ok(compareCodePoints("a", "b") < 0);
    assert.ok(compareCodePoints("ab", "a") > 0);
    const emoji = JSON.parse(computeStats(parseColumnList("s STRING"), [{ s: "😀" }, { s: "\uffff" }]));
    assert.deepEqual([emoji.minValues.s, emoji.maxValues.s], ["\uffff", "😀"]);
  });
});
