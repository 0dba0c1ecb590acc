import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseColumnList, parseSqlType } from "./parse-sql-type.js";
import { SchemaError } from "./schema-error.js";

describe("parseSqlType", () => {
  it("maps every primitive spelling, case-insensitively", () => {
    const cases: Array<[string, string]> = [
      ["TINYINT", "byte"], ["byte", "byte"], ["SmallInt", "short"], ["short", "short"], ["INT", "integer"],
      ["integer", "integer"], ["BIGINT", "long"], ["long", "long"], ["float", "float"], ["REAL", "float"],
      ["double", "double"], ["BOOLEAN", "boolean"], ["string", "string"], ["VARCHAR(20)", "string"],
      ["char(3)", "string"], ["binary", "binary"], ["DATE", "date"], ["timestamp", "timestamp"],
      ["TIMESTAMP_NTZ", "timestamp_ntz"],
    ];
    for (const [text, name] of cases) assert.deepEqual(parseSqlType(text), { kind: "primitive", name }, text);
  });

  it("parses decimals with and without precision and scale", () => {
    assert.deepEqual(parseSqlType("decimal(10,2)"), { kind: "decimal", precision: 10, scale: 2 });
    assert.deepEqual(parseSqlType("DECIMAL(7)"), { kind: "decimal", precision: 7, scale: 0 });
    assert.deepEqual(parseSqlType("decimal"), { kind: "decimal", precision: 10, scale: 0 });
    assert.deepEqual(parseSqlType("decimal( 38 , 38 )"), { kind: "decimal", precision: 38, scale: 38 });
  });

  it("parses nested arrays, maps and structs with NOT NULL and backquoted names", () => {
    const type = parseSqlType("ARRAY<STRUCT<a:INT, `b c` STRING NOT NULL, m: MAP<STRING, ARRAY<BIGINT>>>>");
    assert.deepEqual(type, {
      kind: "array",
      containsNull: true,
      elementType: {
        kind: "struct",
        fields: [
          { name: "a", type: { kind: "primitive", name: "integer" }, nullable: true, metadata: {} },
          { name: "b c", type: { kind: "primitive", name: "string" }, nullable: false, metadata: {} },
          {
            name: "m",
            nullable: true,
            metadata: {},
            type: {
              kind: "map",
              keyType: { kind: "primitive", name: "string" },
              valueType: { kind: "array", elementType: { kind: "primitive", name: "long" }, containsNull: true },
              valueContainsNull: true,
            },
          },
        ],
      },
    });
  });

  it("rejects bad text with a SchemaError naming the position", () => {
    const bad: Array<[string, number]> = [
      ["arr<int>", 0], ["array<int", 9], ["map<string>", 10], ["decimal(39,0)", 0], ["decimal(5,6)", 0],
      ["struct<a int, A string>", 0], ["int extra", 4], ["variant", 0], ["", 0], ["array<int>>", 10],
      ["array<".repeat(101) + "int" + ">".repeat(101), 600],
    ];
    for (const [text, position] of bad) {
      assert.throws(() => parseSqlType(text), (error: unknown) => {
        assert.ok(error instanceof SchemaError, text);
        assert.equal(error.text, text);
        assert.equal(error.position, position, text);
        assert.match(error.message, /position/);
        return true;
      });
    }
  });

  it("names the type Delta cannot hold and the clashing field, where they are written", () => {
    assert.throws(() => parseSqlType("map<string, struct<v: VARIANT>>"), (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.deepEqual([error.unsupportedType, error.position], ["variant", 22]);
      assert.match(error.message, /^Unsupported type "variant" \(in .* at position 22\)$/);
      return true;
    });
    assert.throws(() => parseSqlType("array<struct<id int, ID string>>"), (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.equal(error.position, 6);
      assert.match(error.message, /^Duplicate column name "ID"/);
      return true;
    });
  });
});

describe("parseColumnList", () => {
  it("parses columns with NOT NULL and COMMENT", () => {
    const fields = parseColumnList("device_name STRING, temp INT NOT NULL, tags ARRAY<STRING> COMMENT 'labels'");
    assert.deepEqual(fields, [
      { name: "device_name", type: { kind: "primitive", name: "string" }, nullable: true, metadata: {} },
      { name: "temp", type: { kind: "primitive", name: "integer" }, nullable: false, metadata: {} },
      {
        name: "tags",
        type: { kind: "array", elementType: { kind: "primitive", name: "string" }, containsNull: true },
        nullable: true,
        metadata: { comment: "labels" },
      },
    ]);
  });

  it("keeps struct field comments in the field metadata", () => {
    const [field] = parseColumnList("s STRUCT<a: INT NOT NULL COMMENT 'inner'> COMMENT 'outer'");
    assert.deepEqual(field, {
      name: "s",
      type: { kind: "struct", fields: [{ name: "a", type: { kind: "primitive", name: "integer" }, nullable: false, metadata: { comment: "inner" } }] },
      nullable: true,
      metadata: { comment: "outer" },
    });
  });

  it("rejects duplicate names and missing types", () => {
    assert.throws(() => parseColumnList("a INT, A STRING"), SchemaError);
    assert.throws(() => parseColumnList("a"), SchemaError);
    assert.throws(() => parseColumnList("a INT,"), SchemaError);
    assert.throws(() => parseColumnList("`unterminated INT"), SchemaError);
    assert.throws(() => parseColumnList(42 as unknown as string), SchemaError);
  });
});
