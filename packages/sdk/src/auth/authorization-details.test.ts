import assert from "node:assert/strict";
import { test } from "node:test";
import { NonRetriableException } from "../errors.js";
import { authorizationDetails, splitTableName } from "./authorization-details.js";

test("builds the catalog, schema and table privilege entries", () => {
  const operations = ["zerobuswrite"];
  assert.deepEqual(authorizationDetails("main.sales.orders"), [
    { type: "unity_catalog_privileges", privileges: ["USE CATALOG"], object_type: "CATALOG", object_full_path: "main", operations },
    { type: "unity_catalog_privileges", privileges: ["USE SCHEMA"], object_type: "SCHEMA", object_full_path: "main.sales", operations },
    {
      type: "unity_catalog_privileges",
      privileges: ["SELECT", "MODIFY"],
      object_type: "TABLE",
      object_full_path: "main.sales.orders",
      operations,
    },
  ]);
});

test("rejects table names without exactly three parts", () => {
  for (const name of ["orders", "sales.orders", "a.b.c.d", ""]) {
    assert.throws(() => splitTableName(name), (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, /exactly 3 parts/);
      return true;
    });
  }
});

test("rejects empty parts, naming the part", () => {
  const cases: Array<[string, RegExp]> = [
    [".s.t", /Catalog name cannot be empty/],
    ["c..t", /Schema name cannot be empty/],
    ["c.s.", /Table name cannot be empty/],
  ];
  for (const [name, message] of cases) {
    assert.throws(() => authorizationDetails(name), (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, message);
      return true;
    });
  }
});
