import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import { decodeJsonRecord } from "./json-record-decoder.js";
import { RecordError } from "./record-error.js";

const prim = (name: Extract<DeltaType, { kind: "primitive" }>["name"]): DeltaType => ({ kind: "primitive", name });
const col = (name: string, type: DeltaType, nullable = true): DeltaField => ({ name, type, nullable, metadata: {} });

const columns: DeltaField[] = [
  col("id", prim("long"), false),
  col("b", prim("byte")),
  col("i", prim("integer")),
  col("f", prim("float")),
  col("d", prim("double")),
  col("s", prim("string")),
  col("ok", prim("boolean")),
  col("bin", prim("binary")),
  col("day", prim("date")),
  col("ts", prim("timestamp")),
  col("ntz", prim("timestamp_ntz")),
  col("amount", { kind: "decimal", precision: 6, scale: 2 }),
  col("addr", { kind: "struct", fields: [col("city", prim("string")), col("zip", prim("integer"), false)] }),
  col("tags", { kind: "array", elementType: prim("string"), containsNull: false }),
  col("m", { kind: "map", keyType: prim("integer"), valueType: prim("string"), valueContainsNull: true }),
];

function refusal(text: string): RecordError {
  try {
    decodeJsonRecord(text, columns);
  } catch (err) {
    assert.ok(err instanceof RecordError, String(err));
    return err;
  }
  assert.fail(`expected ${text} to be refused`);
}

describe("decodeJsonRecord", () => {
  it("converts every column type exactly", () => {
    const row = decodeJsonRecord(
      JSON.stringify({
        b: -128, i: "42", f: 1.5, d: "NaN", s: "x", ok: true, bin: "AQID", day: "2024-02-29",
        ts: "2024-01-01T00:00:00.123456+01:00", ntz: 5, amount: "12.3", addr: { city: "Oslo", zip: 150 },
        tags: ["a"], m: { "1": "one", "2": null },
      }).replace("{", '{"id": 9007199254740993,'),
      columns,
    );
    assert.equal(row.id, 9007199254740993n);
    assert.equal(row.b, -128);
    assert.equal(row.i, 42);
    assert.ok(Number.isNaN(row.d));
    assert.deepEqual(row.bin, new Uint8Array([1, 2, 3]));
    assert.equal(row.day, 19782);
    assert.equal(row.ts, (1704067200n - 3600n) * 1_000_000n + 123456n);
    assert.equal(row.ntz, 5n);
    assert.equal(row.amount, 1230n);
    assert.deepEqual(row.addr, { city: "Oslo", zip: 150 });
    assert.deepEqual(row.tags, ["a"]);
    assert.deepEqual(row.m, [[1, "one"], [2, null]]);
  });

  it("accepts maps as [key, value] pairs and missing nullable columns as NULL", () => {
    const row = decodeJsonRecord('{"id": 1, "m": [[3, "c"]]}', columns);
    assert.deepEqual(row.m, [[3, "c"]]);
    assert.equal(row.s, null);
  });

  it("names the column for each refusal", () => {
    assert.match(refusal('{"id": 1, "b": 300}').message, /column 'b'.*300 does not fit byte/);
    assert.match(refusal('{"id": 1, "i": "abc"}').message, /column 'i'.*expected an integer/);
    assert.match(refusal('{"id": 1, "nope": 1}').message, /column 'nope'.*no such column/);
    assert.match(refusal('{"b": 1}').message, /column 'id'.*not nullable/);
    assert.match(refusal('{"id": null}').message, /column 'id'.*null is not allowed/);
    assert.match(refusal('{"id": 1, "amount": "1.234"}').message, /column 'amount'.*more than 2 digit/);
    assert.match(refusal('{"id": 1, "amount": 12345.6}').message, /column 'amount'.*precision/);
    assert.match(refusal('{"id": 1, "addr": {"city": "x"}}').message, /column 'addr.zip'.*not nullable/);
    assert.match(refusal('{"id": 1, "tags": [null]}').message, /column 'tags\[0\]'/);
    assert.match(refusal('{"id": 1, "ntz": "2024-01-01T00:00:00+02:00"}').message, /column 'ntz'/);
    assert.match(refusal('{"id": 1, "day": "2023-02-29"}').message, /column 'day'/);
    assert.match(refusal('{"id": 1, "f": 1e39}').message, /column 'f'.*out of range/);
    assert.match(refusal('{"id": 9223372036854775808}').message, /column 'id'.*does not fit long/);
    assert.match(refusal("[1]").message, /must be a JSON object/);
    assert.match(refusal('{"id": 1,}').message, /not valid JSON/);
  });
});
