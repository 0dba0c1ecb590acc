import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { ArrowSchemaMismatch, checkArrowSchema } from "./arrow-schema-check.js";

const TABLE = parseColumnList("device_name STRING, temp INT, humidity BIGINT NOT NULL, at TIMESTAMP, price DECIMAL(10,2)");
const field = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);
const CANONICAL = [
  field("device_name", new arrow.LargeUtf8()),
  field("temp", new arrow.Int32()),
  field("humidity", new arrow.Int64(), false),
  field("at", new arrow.TimestampMicrosecond("UTC")),
  field("price", new arrow.Decimal(2, 10, 128)),
];

function mismatch(fields: arrow.Field[]): ArrowSchemaMismatch {
  try {
    checkArrowSchema(new arrow.Schema(fields), TABLE);
  } catch (err) {
    if (err instanceof ArrowSchemaMismatch) return err;
    throw err;
  }
  assert.fail("the schema was accepted");
}

describe("checkArrowSchema", () => {
  it("accepts the canonical types and the Utf8 / decimal-text variants, planning each column", () => {
    const plans = checkArrowSchema(new arrow.Schema(CANONICAL), TABLE);
    assert.deepEqual(plans.map((p) => p.source.kind), ["bytes", "fixed", "fixed", "fixed", "decimal128"]);
    const variants = [field("DEVICE_NAME", new arrow.Utf8()), ...CANONICAL.slice(1, 4), field("price", new arrow.LargeUtf8())];
    assert.deepEqual(checkArrowSchema(new arrow.Schema(variants), TABLE).map((p) => p.source.kind), ["bytes", "fixed", "fixed", "fixed", "decimal-text"]);
  });

  it("names every problem with its cause", () => {
    const err = mismatch([field("device_name", new arrow.Utf8()), field("temp", new arrow.Int64()), field("extra", new arrow.Int32()), ...CANONICAL.slice(3)]);
    assert.deepEqual(err.causes, ["FIELD_NOT_IN_TABLE", "MISSING_REQUIRED_COLUMN", "TYPE_INCOMPATIBLE"]);
    assert.match(err.message, /field 'extra' is not a column of the table/);
    assert.match(err.message, /column 'humidity' \(BIGINT NOT NULL\) has no field/);
    assert.match(err.message, /field 'temp' is Int64, which cannot be written to column 'temp' of type INT \(expected Int32\)/);
    assert.deepEqual(mismatch(CANONICAL.slice(0, 4)).causes, ["FIELD_COUNT_MISMATCH"]);
    assert.deepEqual(mismatch([CANONICAL[1]!, CANONICAL[0]!, ...CANONICAL.slice(2)]).causes, ["FIELD_OUT_OF_ORDER"]);
  });

  it("refuses a nullable field for a NOT NULL column, other timestamp units, unsigned ints and dictionaries", () => {
    const nullable = mismatch([...CANONICAL.slice(0, 2), field("humidity", new arrow.Int64(), true), ...CANONICAL.slice(3)]);
    assert.match(nullable.message, /'humidity' is nullable but column 'humidity' is NOT NULL/);
    assert.deepEqual(nullable.causes, ["TYPE_INCOMPATIBLE"]);
    assert.match(mismatch([...CANONICAL.slice(0, 3), field("at", new arrow.TimestampNanosecond("UTC")), CANONICAL[4]!]).message, /Timestamp\(NANOSECOND, UTC\)/);
    assert.match(mismatch([...CANONICAL.slice(0, 3), field("at", new arrow.TimestampMicrosecond()), CANONICAL[4]!]).message, /no time zone/);
    assert.match(mismatch([CANONICAL[0]!, field("temp", new arrow.Uint32()), ...CANONICAL.slice(2)]).message, /'temp' is Uint32/);
    const dictionary = mismatch([field("device_name", new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())), ...CANONICAL.slice(1)]);
    assert.match(dictionary.message, /dictionary-encoded/);
    assert.deepEqual(dictionary.causes, ["TYPE_INCOMPATIBLE"]);
  });

  it("plans ARRAY, MAP and STRUCT columns and names the nested path of a mismatch", () => {
    const nested = parseColumnList("tags ARRAY<STRING> NOT NULL, attrs MAP<STRING, BIGINT>, info STRUCT<a: INT NOT NULL, b: ARRAY<DOUBLE>>");
    const entries = (keyNullable: boolean) => new arrow.Field("entries", new arrow.Struct([field("keys", new arrow.LargeUtf8(), keyNullable), field("values", new arrow.Int64())]), false);
    const info = (a: arrow.Field) => field("info", new arrow.Struct([a, field("b", new arrow.List(field("item", new arrow.Float64())))]));
    const good = [field("tags", new arrow.List(field("item", new arrow.LargeUtf8())), false), field("attrs", new arrow.Map_(entries(false))), info(field("a", new arrow.Int32(), false))];
    const plans = checkArrowSchema(new arrow.Schema(good), nested);
    assert.deepEqual(plans.map((p) => p.source.kind), ["list", "map", "struct"]);
    const check = (fields: arrow.Field[]) => {
      try {
        checkArrowSchema(new arrow.Schema(fields), nested);
      } catch (err) {
        if (err instanceof ArrowSchemaMismatch) return err;
        throw err;
      }
      assert.fail("accepted");
    };
    const wrongItem = check([field("tags", new arrow.List(field("item", new arrow.Int64())), false), ...good.slice(1)]);
    assert.match(wrongItem.message, /field 'tags\.item' is Int64, which cannot be written to 'tags\.item' of type STRING/);
    assert.deepEqual(wrongItem.causes, ["TYPE_INCOMPATIBLE"]);
    assert.match(check([...good.slice(0, 2), info(field("a", new arrow.Int32(), true))]).message, /field 'info\.a' is nullable but STRUCT<.*> needs it NOT NULL/);
    assert.match(check([good[0]!, field("attrs", new arrow.Map_(entries(true))), good[2]!]).message, /'attrs\.entries\.key' is nullable but map keys must be NOT NULL/);
    assert.match(check([good[0]!, field("attrs", new arrow.List(field("item", new arrow.Int64()))), good[2]!]).message, /expected Map<entries: Struct<keys: LargeUtf8 NOT NULL, values: Int64>>/);
    assert.match(check([...good.slice(0, 2), field("info", new arrow.Struct([field("a", new arrow.Int32(), false)]))]).message, /field 'info' has the fields \(a\) but column 'info' has \(a, b\)/);
  });
});
