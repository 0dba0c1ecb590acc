import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseColumnList, parseSqlType } from "../schema/parse-sql-type.js";
import { encodeDataPath, resolveDataPath } from "./data-paths.js";
import { DeltaError } from "./delta-error.js";
import { escapePartitionPathValue, parseDecimal, parsePartitionValue, partitionValueText } from "./partition-values.js";

describe("partition values", () => {
  it("formats and parses every partitionable type", () => {
    const cases: Array<[string, unknown, string]> = [
      ["int", 42, "42"], ["bigint", -(2n ** 62n), "-4611686018427387904"], ["double", 1.5, "1.5"],
      ["boolean", false, "false"], ["string", "a b/c", "a b/c"], ["date", 19_000, "2022-01-08"],
      ["timestamp", 1_000_123_456n, "1970-01-01T00:16:40.123456Z"], ["timestamp_ntz", -1n, "1969-12-31 23:59:59.999999"],
      ["decimal(10,3)", -1_500n, "-1.500"], ["decimal(5,0)", 7n, "7"],
    ];
    for (const [typeText, value, text] of cases) {
      const type = parseSqlType(typeText);
      assert.equal(partitionValueText(type, value as never), text, typeText);
      assert.deepEqual(parsePartitionValue({ name: "c", type, nullable: true, metadata: {} }, text), value, typeText);
    }
    assert.equal(partitionValueText(parseSqlType("int"), null), null);
  });

  it("reads Spark's zone-less timestamps as UTC and empty strings as null", () => {
    const [field] = parseColumnList("t TIMESTAMP");
    assert.equal(parsePartitionValue(field!, "2021-09-08 11:11:11"), 1_631_099_471_000_000n);
    assert.equal(parsePartitionValue(field!, "2021-09-08T11:11:11.5+02:00"), 1_631_092_271_500_000n);
    assert.equal(parsePartitionValue(field!, ""), null);
    assert.throws(() => parsePartitionValue(field!, "yesterday"), DeltaError);
    assert.equal(parseDecimal("1.234", 2), undefined);
  });

  it("escapes directory names Hive-style and URI-encodes add paths", () => {
    assert.equal(escapePartitionPathValue("a/b:c=d%"), "a%2Fb%3Ac%3Dd%25");
    assert.equal(escapePartitionPathValue(null), "__HIVE_DEFAULT_PARTITION__");
    const relative = `p=${escapePartitionPathValue("x y%")}/part-0.parquet`;
    assert.equal(encodeDataPath(relative), "p=x%20y%2525/part-0.parquet");
    assert.equal(resolveDataPath("/t", encodeDataPath(relative)), "/t/p=x y%25/part-0.parquet");
    assert.throws(() => resolveDataPath("/t", "../outside.parquet"), DeltaError);
    assert.throws(() => resolveDataPath("/t", "s3://bucket/x.parquet"), DeltaError);
  });
});
