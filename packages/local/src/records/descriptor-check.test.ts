import assert from "node:assert/strict";
import { describe, it } from "node:test";
import protobuf from "protobufjs";
import descriptorProto from "protobufjs/ext/descriptor.js";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import { checkDescriptor, DescriptorError } from "./descriptor-check.js";
import { decodeProtoRecord } from "./proto-record-decoder.js";
import { RecordError } from "./record-error.js";

const prim = (name: Extract<DeltaType, { kind: "primitive" }>["name"]): DeltaType => ({ kind: "primitive", name });
const col = (name: string, type: DeltaType, nullable = true): DeltaField => ({ name, type, nullable, metadata: {} });
const OPT = 1, REQ = 2, REP = 3;
const f = (name: string, number: number, label: number, type: number, typeName?: string) => ({ name, number, label, type, ...(typeName ? { typeName } : {}) });

const columns: DeltaField[] = [
  col("id", prim("long"), false),
  col("small", prim("byte")),
  col("amount", { kind: "decimal", precision: 10, scale: 2 }),
  col("addr", { kind: "struct", fields: [col("city", prim("string")), col("zip", prim("integer"), false)] }),
  col("tags", { kind: "array", elementType: prim("integer"), containsNull: false }),
  col("attrs", { kind: "map", keyType: prim("string"), valueType: prim("long"), valueContainsNull: true }),
];

/** The descriptor protoc would produce for the table above, under package `my.pkg`. */
function tableDescriptor(overrides: { fields?: object[]; nested?: object[] } = {}) {
  return {
    name: "Row",
    field: overrides.fields ?? [
      f("id", 1, REQ, 3),
      f("small", 2, OPT, 5),
      f("amount", 3, OPT, 9),
      f("addr", 4, OPT, 11, ".my.pkg.Row.Addr"),
      f("tags", 5, REP, 5),
      f("attrs", 6, REP, 11, ".my.pkg.Row.AttrsEntry"),
    ],
    nestedType: overrides.nested ?? [
      { name: "Addr", field: [f("city", 1, OPT, 9), f("zip", 2, OPT, 5)] },
      { name: "AttrsEntry", field: [f("key", 1, OPT, 9), f("value", 2, OPT, 3)], options: { mapEntry: true } },
    ],
  };
}
const encodeDescriptor = (d: object) => descriptorProto.DescriptorProto.encode(descriptorProto.DescriptorProto.fromObject(d)).finish();
const refusal = (d: object, cols = columns): DescriptorError => {
  try {
    checkDescriptor(encodeDescriptor(d), cols);
  } catch (err) {
    assert.ok(err instanceof DescriptorError, String(err));
    return err;
  }
  assert.fail("expected the descriptor to be refused");
};

const RowType = protobuf.parse(`syntax = "proto2";
  message Row { optional int64 id = 1; optional int32 small = 2; optional string amount = 3; optional Addr addr = 4;
    repeated int32 tags = 5 [packed = true]; map<string, int64> attrs = 6;
    message Addr { optional string city = 1; optional int32 zip = 2; } }`, { keepCase: true }).root.lookupType("Row");

describe("checkDescriptor + decodeProtoRecord", () => {
  it("accepts protoc's fully-qualified names and decodes every kind of column", () => {
    const plan = checkDescriptor(encodeDescriptor(tableDescriptor()), columns);
    const bytes = RowType.encode({ id: "-9007199254740993", small: -5, amount: "12.5", addr: { city: "Oslo", zip: 150 }, tags: [1, 2], attrs: { a: "7" } }).finish();
    assert.deepEqual(decodeProtoRecord(plan, bytes), {
      id: -9007199254740993n, small: -5, amount: 1250n, addr: { city: "Oslo", zip: 150 }, tags: [1, 2], attrs: [["a", 7n]],
    });
    assert.deepEqual(decodeProtoRecord(plan, RowType.encode({ id: 1 }).finish()), { id: 1n, small: null, amount: null, addr: null, tags: [], attrs: [] });
  });

  it("refuses a type name outside the root (code 4033 text)", () => {
    const d = tableDescriptor();
    (d.field[3] as { typeName: string }).typeName = ".my.pkg.Address";
    const err = refusal(d);
    assert.equal(err.problem, "not-self-contained");
    assert.equal(err.message, "Proto not self-contained for field addr with type name .my.pkg.Address");
  });

  it("names the column on every mismatch", () => {
    const fields = tableDescriptor().field;
    const withField = (i: number, replacement: object) => tableDescriptor({ fields: fields.map((x, j) => (j === i ? replacement : x)) });
    assert.match(refusal(withField(0, f("id", 1, OPT, 3))).message, /column 'id' is NOT NULL.*required/);
    assert.match(refusal(withField(0, f("id", 1, REQ, 9))).message, /column 'id' is bigint.*int64.*not string/);
    assert.match(refusal(withField(1, f("little", 2, OPT, 5))).message, /column 'small' has no field.*field 'little'.*not a column/);
    assert.match(refusal(withField(4, f("tags", 5, OPT, 5))).message, /column 'tags'.*must be repeated/);
    assert.match(refusal(withField(5, f("attrs", 6, REP, 11, ".my.pkg.Row.Addr"))).message, /column 'attrs'.*protobuf map/);
    assert.match(refusal(tableDescriptor({ nested: [{ name: "Addr", field: [f("city", 1, OPT, 9)] }, tableDescriptor().nestedType[1] as object] })).message, /column 'addr.zip' has no field/);
    assert.match(refusal({ ...tableDescriptor(), field: [...fields, f("extra", 7, OPT, 9)] }).message, /field 'extra'.*not a column/);
  });

  it("refuses records that do not fit, naming the column", () => {
    const plan = checkDescriptor(encodeDescriptor(tableDescriptor()), columns);
    const fail = (bytes: Uint8Array) => assert.throws(() => decodeProtoRecord(plan, bytes), RecordError);
    fail(RowType.encode({ small: 1 }).finish()); // required id missing
    assert.throws(() => decodeProtoRecord(plan, RowType.encode({ id: 1, small: 300 }).finish()), /column 'small'.*does not fit byte/);
    assert.throws(() => decodeProtoRecord(plan, RowType.encode({ id: 1, amount: "1.234" }).finish()), /column 'amount'/);
    assert.throws(() => decodeProtoRecord(plan, RowType.encode({ id: 1, addr: { city: "x" } }).finish()), /column 'addr.zip'.*not nullable/);
    fail(new Uint8Array([0x08, 0xff, 0xff])); // truncated varint
    assert.throws(() => decodeProtoRecord(plan, new Uint8Array([0x0a, 0x01, 0x00])), /column 'id'.*wire type 2/);
  });
});
