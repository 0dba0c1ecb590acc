import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseColumnList, parseSqlType } from "./parse-sql-type.js";
import { SchemaError } from "./schema-error.js";
import { parseSparkSchema, toSparkSchemaJson, toTypeJson, toTypeName, toTypeText } from "./spark-schema.js";

const GOLDEN = "/work/shared/data/delta-golden";

describe("Spark JSON schema", () => {
  it("round-trips every type through schemaString", () => {
    const fields = parseColumnList(
      "a TINYINT, b SMALLINT, c INT NOT NULL, d BIGINT, e FLOAT, f DOUBLE, g BOOLEAN, h STRING, i BINARY, j DATE, " +
        "k TIMESTAMP, l TIMESTAMP_NTZ, m DECIMAL(38,6), n ARRAY<STRUCT<x: INT NOT NULL>>, o MAP<STRING, DECIMAL(5,2)>",
    );
    const json = toSparkSchemaJson(fields);
    assert.deepEqual(parseSparkSchema(json), fields);
    const parsed = JSON.parse(json);
    assert.equal(parsed.type, "struct");
    assert.equal(parsed.fields[0].type, "byte");
    assert.equal(parsed.fields[12].type, "decimal(38,6)");
    assert.deepEqual(parsed.fields[13].type.elementType.fields[0], { name: "x", type: "integer", nullable: false, metadata: {} });
  });

  it("reads Spark-written schemas with field metadata (column mapping table)", () => {
    const commit = readFileSync(`${GOLDEN}/table-with-columnmapping-mode-name/delta/_delta_log/00000000000000000000.json`, "utf8");
    const metaData = commit.split("\n").map((line) => (line ? JSON.parse(line) : {})).find((action) => action.metaData).metaData;
    const fields = parseSparkSchema(metaData.schemaString);
    assert.ok(fields.length > 0);
    assert.ok(fields.every((field) => "delta.columnMapping.physicalName" in field.metadata));
  });

  it("rejects invalid schemas", () => {
    assert.throws(() => parseSparkSchema("{"), SchemaError);
    assert.throws(() => parseSparkSchema('"long"'), SchemaError);
    assert.throws(() => parseSparkSchema('{"type":"struct","fields":[{"name":"v","type":"variant","nullable":true}]}'), SchemaError);
    assert.throws(() => parseSparkSchema('{"type":"struct","fields":[{"name":"d","type":"decimal(40,2)","nullable":true}]}'), SchemaError);
  });

  it("produces UC type_text, type_name and type_json", () => {
    assert.equal(toTypeText(parseSqlType("array<string>")), "array<string>");
    assert.equal(toTypeText(parseSqlType("DECIMAL(10,2)")), "decimal(10,2)");
    assert.equal(toTypeText(parseSqlType("map<string, bigint>")), "map<string,bigint>");
    assert.equal(toTypeText(parseSqlType("struct<a:int, `b c`:string not null>")), "struct<a:int,`b c`:string NOT NULL>");
    assert.equal(toTypeName(parseSqlType("int")), "INT");
    assert.equal(toTypeName(parseSqlType("bigint")), "LONG");
    assert.equal(toTypeName(parseSqlType("timestamp_ntz")), "TIMESTAMP_NTZ");
    assert.equal(toTypeName(parseSqlType("decimal(3,1)")), "DECIMAL");
    assert.equal(toTypeName(parseSqlType("map<int,int>")), "MAP");
    const [field] = parseColumnList("tags ARRAY<STRING> NOT NULL");
    assert.equal(toTypeJson(field!), '{"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":false,"metadata":{}}');
  });
});
