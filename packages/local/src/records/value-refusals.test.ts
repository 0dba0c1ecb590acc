import assert from "node:assert/strict";
import { describe, it } from "node:test";
import descriptorProto from "protobufjs/ext/descriptor.js";
import type { TableStore } from "../catalog/table-store.js";
import { parseLosslessJson } from "../delta/lossless-json.js";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import { setUpStream } from "../service/stream-handshake.js";
import { CallStatusError } from "../service/zerobus-status.js";
import { checkDescriptor, DescriptorError } from "./descriptor-check.js";
import { decodeJsonRecord } from "./json-record-decoder.js";
import { decodeProtoRecord } from "./proto-record-decoder.js";
import { RecordError } from "./record-error.js";
import { firstInvalidByte, jsonRecordText } from "./utf8-text.js";

const prim = (name: Extract<DeltaType, { kind: "primitive" }>["name"]): DeltaType => ({ kind: "primitive", name });
const col = (name: string, type: DeltaType, nullable = true): DeltaField => ({ name, type, nullable, metadata: {} });
const columns: DeltaField[] = [
  col("id", prim("long")),
  col("name", prim("string")),
  col("m", { kind: "map", keyType: prim("integer"), valueType: prim("string"), valueContainsNull: true }),
];

function refused(run: () => unknown): RecordError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof RecordError, String(err));
    return err;
  }
  assert.fail("accepted");
}

describe("values are stored exactly or refused", () => {
  it("JSON: invalid UTF-8 is refused naming the column; a real U+FFFD is kept", () => {
    const bytes = Buffer.concat([Buffer.from('{"id":1,"name":"ab'), Buffer.from([0xff]), Buffer.from('"}')]);
    const err = refused(() => decodeJsonRecord(jsonRecordText(bytes, 0, bytes.length), columns));
    assert.equal(err.column, "name");
    assert.match(err.message, /invalid UTF-8: byte 0xFF at offset 18/);
    const real = Buffer.from('{"name":"a\uFFFDb"}');
    assert.deepEqual(decodeJsonRecord(jsonRecordText(real, 0, real.length), columns), { id: null, name: "a\uFFFDb", m: null });
  });

  it("JSON: a lone surrogate escape is refused; a pair is one character", () => {
    for (const text of ['{"name":"x\\ud800"}', '{"name":"\\udc00y"}', '{"name":"\\ud800\\u0041"}']) {
      const err = refused(() => decodeJsonRecord(text, columns));
      assert.equal(err.column, "name", text);
      assert.match(err.message, /lone surrogate escape \\u/);
    }
    assert.equal(decodeJsonRecord('{"name":"\\ud83d\\ude00"}', columns).name, "😀");
  });

  it("JSON: the exact key wins over a case-insensitive one; two inexact keys are ambiguous; a repeated key is refused", () => {
    assert.equal(decodeJsonRecord('{"id":4,"ID":5}', columns).id, 4n);
    assert.equal(decodeJsonRecord('{"ID":5,"id":4}', columns).id, 4n);
    assert.equal(decodeJsonRecord('{"ID":5}', columns).id, 5n);
    assert.match(refused(() => decodeJsonRecord('{"ID":5,"Id":6}', columns)).message, /keys "ID" and "Id" both name this column/);
    const twice = refused(() => decodeJsonRecord('{"id":4,"id":5}', columns));
    assert.equal(twice.column, "id");
    assert.match(twice.message, /key "id" appears twice/);
  });

  it("JSON: a map with a repeated key is refused, in every form", () => {
    assert.match(refused(() => decodeJsonRecord('{"m":{"1":"a","1":"b"}}', columns)).message, /key "1" appears twice/);
    assert.match(refused(() => decodeJsonRecord('{"m":[[1,"a"],[1,"b"]]}', columns)).message, /column 'm\[1\]\.key': map key 1 appears more than once/);
    assert.match(refused(() => decodeJsonRecord('{"m":{"1":"a","01":"b"}}', columns)).message, /map key 1 appears more than once/);
  });

  it("PROTO: an invalid UTF-8 string is refused naming the column; a real U+FFFD is kept; a repeated map key is refused", () => {
    const descriptor = descriptorProto.DescriptorProto.encode({
      name: "Row",
      field: [
        { name: "id", number: 1, label: 1, type: 3 },
        { name: "name", number: 2, label: 1, type: 9 },
        { name: "m", number: 3, label: 3, type: 11, typeName: "Row.MEntry" },
      ],
      nestedType: [{ name: "MEntry", field: [{ name: "key", number: 1, label: 1, type: 5 }, { name: "value", number: 2, label: 1, type: 9 }], options: { mapEntry: true } }],
    }).finish();
    const plan = checkDescriptor(descriptor, columns);
    const str = (field: number, bytes: Buffer) => Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
    const bad = str(2, Buffer.from([0x61, 0xed, 0xa0, 0x80])); // an encoded surrogate is not UTF-8
    const err = refused(() => decodeProtoRecord(plan, new Uint8Array(bad)));
    assert.equal(err.column, "name");
    assert.match(err.message, /not valid UTF-8: byte 0xED at offset 1/);
    assert.equal(decodeProtoRecord(plan, str(2, Buffer.from("a\uFFFD"))).name, "a\uFFFD");
    const entry = (key: number, value: string) => str(3, Buffer.concat([Buffer.from([0x08, key]), str(2, Buffer.from(value))]));
    const twice = refused(() => decodeProtoRecord(plan, Buffer.concat([entry(7, "a"), entry(7, "b")])));
    assert.match(twice.message, /column 'm\[1\]\.key': map key 7 appears more than once/);
  });

  it("a descriptor with two fields sharing a number is refused", () => {
    const descriptor = descriptorProto.DescriptorProto.encode({
      name: "Row",
      field: [{ name: "id", number: 1, label: 1, type: 3 }, { name: "name", number: 1, label: 1, type: 9 }],
    }).finish();
    assert.throws(() => checkDescriptor(descriptor, columns.slice(0, 2)), (err: unknown) => err instanceof DescriptorError && /fields "id" and "name" of message "Row" share the number 1/.test(err.message));
  });

  it("record_type 7 is named as the problem, even when protobufjs leaves it among the unknown fields", async () => {
    const store = {} as TableStore; // never reached: the record type is checked first
    const create = Object.assign({ table_name: "main.default.t" }, { $unknowns: [new Uint8Array([0x20, 0x07])] });
    await assert.rejects(setUpStream(create, undefined, store), (err: unknown) => err instanceof CallStatusError && /Unknown record type 7 in create_stream/.test(err.message));
  });

  it("finds the first invalid byte (overlongs, surrogates, truncation)", () => {
    assert.equal(firstInvalidByte(Buffer.from("héllo")), 6);
    assert.equal(firstInvalidByte(Buffer.from([0x61, 0xc0, 0x80])), 1);
    assert.equal(firstInvalidByte(Buffer.from([0x61, 0x62, 0xf0, 0x9f, 0x98])), 2);
    assert.equal(firstInvalidByte(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0);
  });
});

describe("Delta logs are read as JSON.parse reads them", () => {
  it("keeps the last of a repeated key and a lone surrogate, with big integers exact", () => {
    assert.deepEqual(parseLosslessJson('{"a":1,"a":12345678901234567890,"s":"\\ud800"}'), { a: 12345678901234567890n, s: "\ud800" });
  });
});
