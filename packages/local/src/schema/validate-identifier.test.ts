import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SchemaError } from "./schema-error.js";
import { validateIdentifier } from "./validate-identifier.js";

describe("validateIdentifier", () => {
  it("accepts plain identifiers", () => {
    for (const name of ["main", "_x", "Table_01", "a".repeat(255)]) validateIdentifier(name, "table");
  });

  it("rejects path-unsafe names", () => {
    for (const name of ["", "..", ".", "a.b", "a/b", "../etc", "a\\b", "1abc", "has space", "é", "a".repeat(256), "a\u0000"]) {
      assert.throws(() => validateIdentifier(name, "schema"), SchemaError, JSON.stringify(name));
    }
  });

  it("names the kind of identifier and the bad position", () => {
    assert.throws(() => validateIdentifier("ab/c", "catalog"), (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.match(error.message, /catalog/);
      assert.equal(error.position, 2);
      return true;
    });
  });
});
