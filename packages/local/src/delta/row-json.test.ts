import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { rowToJson } from "./row-json.js";
import { formatDate, formatTimestampMicros } from "./value-text.js";

describe("rowToJson", () => {
  const fields = parseColumnList(`
    i INT, l BIGINT, d DOUBLE, f FLOAT, b BOOLEAN, s STRING, bin BINARY, day DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ,
    amount DECIMAL(38,2), tiny DECIMAL(3,3), st STRUCT<x: BIGINT, y: ARRAY<DATE>>, m MAP<INT, DECIMAL(5,1)>, missing STRING
  `);

  it("encodes every type without losing precision", () => {
    const json = rowToJson(fields, {
      i: -7, l: 9_007_199_254_740_993n, d: Number.NaN, f: -Infinity, b: true, s: "ü😀", bin: Uint8Array.of(0, 255, 1),
      day: -1, ts: -1n, ntz: 1_700_000_000_123_456n, amount: -(10n ** 37n) - 5n, tiny: -5n,
      st: { x: -(2n ** 63n), y: [0, null] }, m: [[1, 15n], [2, null]],
    });
    assert.deepEqual(json, {
      i: -7, l: "9007199254740993", d: "NaN", f: "-Infinity", b: true, s: "ü😀", bin: "AP8B",
      day: "1969-12-31", ts: "1969-12-31T23:59:59.999999Z", ntz: "2023-11-14T22:13:20.123456",
      amount: "-100000000000000000000000000000000000.05", tiny: "-0.005",
      st: { x: "-9223372036854775808", y: ["1970-01-01", null] }, m: [[1, "1.5"], [2, null]], missing: null,
    });
    assert.equal(JSON.parse(JSON.stringify(json))["l"], "9007199254740993");
  });

  it("writes years outside 0000-9999 in their extended ISO form", () => {
    assert.equal(formatDate(2_932_897), "+010000-01-01");
    assert.equal(formatDate(-719_528), "0000-01-01");
    assert.equal(formatTimestampMicros(-62_198_755_200_000_000n, true), "-000001-01-01T00:00:00.000000Z");
  });
});
