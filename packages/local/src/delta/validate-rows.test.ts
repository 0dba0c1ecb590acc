import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { RowValidationError } from "./delta-error.js";
import { ALL_TYPES_FIELDS, allTypesRow } from "./test-fixtures.js";
import { validateRows } from "./validate-rows.js";

function rejects(rows: Row[], fields = ALL_TYPES_FIELDS): RowValidationError {
  try {
    validateRows(fields, rows);
  } catch (error) {
    assert.ok(error instanceof RowValidationError, String(error));
    return error;
  }
  assert.fail("expected a RowValidationError");
}

describe("validateRows", () => {
  it("accepts rows of every type, with nulls where allowed", () => {
    validateRows(ALL_TYPES_FIELDS, Array.from({ length: 6 }, (_, i) => allTypesRow(i)));
  });

  it("names the row index and column path of the first problem", () => {
    const cases: Array<[Row, string]> = [
      [{ b: 1 }, "id"],
      [{ id: null }, "id"],
      [{ id: 1.5 }, "id"],
      [{ id: 2 ** 31 }, "id"],
      [{ id: 1, b: 128 }, "b"],
      [{ id: 1, l: 1 }, "l"],
      [{ id: 1, l: 2n ** 63n }, "l"],
      [{ id: 1, name: 5 }, "name"],
      [{ id: 1, bin: [1, 2] }, "bin"],
      [{ id: 1, ts: 5 }, "ts"],
      [{ id: 1, small: 100_000n }, "small"],
      [{ id: 1, tags: ["a", 3] }, "tags[1]"],
      [{ id: 1, attrs: [["k", 1]] }, "attrs[0].value"],
      [{ id: 1, attrs: [[null, 1n]] }, "attrs[0].key"],
      [{ id: 1, attrs: { k: 1n } }, "attrs"],
      [{ id: 1, nested: { items: [] } }, "nested.x"],
      [{ id: 1, nested: { x: 1, items: [{ z: 1 }] } }, "nested.items[0].z"],
      [{ id: 1, unknown: 1 }, "unknown"],
    ];
    for (const [row, path] of cases) {
      const error = rejects([allTypesRow(0), row]);
      assert.equal(error.rowIndex, 1, path);
      assert.equal(error.columnPath, path);
      assert.equal(error.code, "ROW_INVALID");
    }
  });

  it("enforces NOT NULL inside arrays and maps", () => {
    const fields = parseColumnList("a ARRAY<INT>");
    const strict = [{ ...fields[0]!, type: { kind: "array" as const, elementType: { kind: "primitive" as const, name: "integer" as const }, containsNull: false } }];
    validateRows(fields, [{ a: [1, null] }]);
    assert.equal(rejects([{ a: [1, null] }], strict).columnPath, "a[1]");
  });
});
