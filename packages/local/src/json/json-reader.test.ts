import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonNumber, JsonSyntaxError, readJson } from "./json-reader.js";

describe("readJson", () => {
  it("keeps numbers as their source text", () => {
    const value = readJson('{"a": [12345678901234567890, -0.5e-3], "b": "\\u00e9\\n", "c": null, "d": true}');
    assert.ok(value instanceof Map);
    const a = value.get("a") as JsonNumber[];
    assert.equal(a[0]?.text, "12345678901234567890");
    assert.equal(a[1]?.text, "-0.5e-3");
    assert.equal(value.get("b"), "é\n");
    assert.equal(value.get("c"), null);
    assert.equal(value.get("d"), true);
  });

  it("treats __proto__ as an ordinary key", () => {
    const value = readJson('{"__proto__": 1}') as Map<string, unknown>;
    assert.equal((value.get("__proto__") as JsonNumber).text, "1");
  });

  it("refuses what JSON.parse refuses", () => {
    for (const bad of ["", "01", "[1,]", "{'a':1}", '"a\tb"', "1 2", "nul", '"\\x"', "[" .repeat(600)]) {
      assert.throws(() => readJson(bad), JsonSyntaxError, bad.slice(0, 10));
    }
  });
});
