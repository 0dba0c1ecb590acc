import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NonRetriableException } from "../errors.js";
import { columnTypeText, type ColumnType } from "./column-type.js";
import { MAX_TYPE_DEPTH, parseColumnList, parseColumnType } from "./parse-column-type.js";

/** What a custom `error` option receives, so that tests can look at it. */
class PlacedError extends Error {
  constructor(readonly reason: string, readonly position: number | undefined) {
    super(reason);
  }
}

const placed = { error: (reason: string, position?: number) => new PlacedError(reason, position) };

/** The error `parse` throws, which must be a PlacedError. */
function placedError(parse: () => unknown): PlacedError {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof PlacedError, `expected a PlacedError, got ${String(err)}`);
    return err;
  }
  return assert.fail("expected the parse to fail");
}

const nested = (word: string, depth: number) => `${word}<`.repeat(depth) + "int" + ">".repeat(depth);

describe("parseColumnType spellings", () => {
  test("reads every alias as its canonical type, ignoring case and spaces", () => {
    const cases: Array<[string, string]> = [
      ["TINYINT", "tinyint"], ["Byte", "tinyint"], ["SmallInt", "smallint"], ["SHORT", "smallint"],
      ["INT", "int"], ["integer", "int"], ["BIGINT", "bigint"], ["long", "bigint"], ["float", "float"],
      ["REAL", "float"], ["double", "double"], ["BOOL", "boolean"], ["boolean", "boolean"], ["String", "string"],
      ["binary", "binary"], ["DATE", "date"], ["timestamp", "timestamp"], ["TIMESTAMP_LTZ", "timestamp"],
      ["timestamp_ntz", "timestamp_ntz"], ["VARIANT", "variant"], ["VARCHAR( 20 )", "varchar(20)"],
      ["char(3)", "char(3)"], ["decimal", "decimal(10,0)"], ["DEC(7)", "decimal(7,0)"],
      ["numeric( 38 , 38 )", "decimal(38,38)"], [" array < int > ", "array<int>"],
    ];
    for (const [text, canonical] of cases) assert.equal(columnTypeText(parseColumnType(text)), canonical, text);
  });

  test("refuses what Unity Catalog has no type for", () => {
    for (const text of ["double precision", "interval", "void", "varchar", "decimal(0)", "decimal(5,6)", "struct<a int default 1>"]) {
      assert.throws(() => parseColumnType(text), NonRetriableException, text);
    }
  });

  test(`accepts ${MAX_TYPE_DEPTH} levels of nesting and no more`, () => {
    assert.equal(columnTypeText(parseColumnType(nested("array", MAX_TYPE_DEPTH))), nested("array", MAX_TYPE_DEPTH));
    assert.throws(() => parseColumnType(nested("array", MAX_TYPE_DEPTH + 1)), /types nest deeper than 100 levels \(at character 601/);
  });
});

describe("parseColumnType / parseColumnList options", () => {
  test("error: makes the caller's error from what was wrong and its zero-based position", () => {
    const cases: Array<[string, string, number]> = [
      ["array<int", 'expected ">", found the end of the text', 9],
      ["decimal(39,0)", "invalid decimal(39,0): need 1 ≤ precision ≤ 38 and scale ≤ precision", 0],
      ["int extra", 'unexpected "extra"', 4],
      ["struct<a int comment 'open>", "unterminated string", 21],
      ["map<string, int;>", 'unexpected character ";"', 15],
      ["map<string>", 'expected ",", found ">"', 10],
    ];
    for (const [text, reason, position] of cases) {
      const err = placedError(() => parseColumnType(text, placed));
      assert.deepEqual([err.reason, err.position], [reason, position], text);
    }
    const list = placedError(() => parseColumnList("a INT, `` STRING", placed));
    assert.deepEqual([list.reason, list.position], ["empty backquoted name", 7]);
  });

  test("error: has no position for text that is not a string", () => {
    const err = placedError(() => parseColumnList(42 as unknown as string, placed));
    assert.deepEqual([err.reason, err.position], ["a column list must be a string, got number", undefined]);
  });

  test("check: sees each type once whole, inner types first, with where it starts", () => {
    const seen: Array<[string, number]> = [];
    const check = (type: ColumnType, position: number) => void seen.push([columnTypeText(type), position]);
    parseColumnList("id BIGINT, tags ARRAY<STRUCT<k: STRING, v: DECIMAL(5,2)>>", { check });
    assert.deepEqual(seen, [
      ["bigint", 3],
      ["string", 32],
      ["decimal(5,2)", 43],
      ["struct<k:string,v:decimal(5,2)>", 22],
      ["array<struct<k:string,v:decimal(5,2)>>", 16],
    ]);
  });

  test("check: what it throws refuses the text", () => {
    const noVariant = (type: ColumnType, position: number) => {
      if (type.kind === "primitive" && type.name === "variant") throw new PlacedError("no variant here", position);
    };
    const err = placedError(() => parseColumnType("map<string, variant>", { check: noVariant }));
    assert.deepEqual([err.reason, err.position], ["no variant here", 12]);
  });

  test("without options, errors are NonRetriableExceptions naming the character, as before", () => {
    assert.throws(() => parseColumnType("array<int"), (err: unknown) =>
      err instanceof NonRetriableException && err.message === 'expected ">", found the end of the text (at character 10 of "array<int")');
    assert.throws(() => parseColumnType(7 as unknown as string), (err: unknown) =>
      err instanceof NonRetriableException && err.message === "a column type must be a string, got number");
  });
});
