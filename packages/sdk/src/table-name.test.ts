import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "./errors.js";
import { parseTableName } from "./table-name.js";

describe("parseTableName", () => {
  it("splits catalog.schema.table", () => {
    assert.deepEqual(parseTableName("main.default.events"), { catalog: "main", schema: "default", table: "events" });
  });

  const cases: Array<[unknown, RegExp]> = [
    ["events", /three dot-separated parts.*got 1/],
    ["default.events", /got 2/],
    ["a.b.c.d", /got 4/],
    ["main..events", /the schema part is empty/],
    [".default.events", /the catalog part is empty/],
    ["main.default.", /the table part is empty/],
    ["main. .events", /the schema part is empty/],
    [42, /expected a string.*got number/],
    [undefined, /got undefined/],
  ];
  for (const [name, problem] of cases) {
    it(`rejects ${JSON.stringify(name) ?? "undefined"}`, () => {
      assert.throws(
        () => parseTableName(name),
        (err: unknown) =>
          err instanceof NonRetriableException &&
          err.message.startsWith(`Invalid table name '${String(name)}'`) &&
          problem.test(err.message),
      );
    });
  }
});
