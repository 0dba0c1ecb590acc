import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveDescriptor } from "./descriptor/resolve-descriptor.js";
import type { ResolvedDescriptor } from "./descriptor/resolve-descriptor.js";
import { NonRetriableException } from "./errors.js";
import { createRecordEncoder, type EncodedRecord } from "./record-encoding.js";
import { fakeDescMessage, shopRoot } from "./test-support/proto-fixtures.js";

const BIG = 9007199254740993n; // 2^53 + 1: not representable as a double
const UINT64_MAX = 18446744073709551615n;

function shop(): { descriptor: ResolvedDescriptor; decode: (bytes: EncodedRecord) => Record<string, unknown> } {
  const descriptor = resolveDescriptor(shopRoot().lookupType("shop.Order"));
  const type = descriptor.messageType;
  const decode = (bytes: EncodedRecord) => {
    assert.ok(bytes instanceof Uint8Array, "PROTO records encode to bytes");
    return type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: Array, oneofs: true }) as Record<string, unknown>;
  };
  return { descriptor, decode };
}

const rejects = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof NonRetriableException && pattern.test(err.message));

describe("createRecordEncoder (PROTO)", () => {
  const { descriptor, decode } = shop();
  const encode = createRecordEncoder("proto", descriptor);

  it("passes bytes through without copying", () => {
    const bytes = new Uint8Array([8, 1]);
    const buffer = Buffer.from([8, 2]);
    assert.equal(encode(bytes), bytes);
    assert.equal(encode(buffer), buffer);
  });

  it("encodes protobufjs messages with their constructor's encode", () => {
    const type = shopRoot().lookupType("shop.Order");
    const message = type.fromObject({ id: BIG, customer_name: "Ada" });
    assert.deepEqual(decode(encode(message)), { id: String(BIG), customer_name: "Ada" });
  });

  it("encodes protobuf-es v1 messages with toBinary()", () => {
    const bytes = new Uint8Array([8, 7]);
    assert.equal(encode({ toBinary: () => bytes }), bytes);
  });

  it("encodes plain objects with exact 64-bit integers from bigint, number and string", () => {
    const record = {
      id: BIG,
      big_count: UINT64_MAX,
      customer_name: "Ada",
      counters: { a: "9223372036854775807", b: -5 },
      ids: [BIG, "-9223372036854775808", 3],
      first_item: { sku: "x", qty: 2, parent: { sku: "p" } },
      ship_to: { street: "Main", named_points: { home: { lat: 1.5, lng: -2 } } },
      level: 1,
      status: "SHIPPED",
      blob: new Uint8Array([1, 2]),
      email: "a@b.c",
    };
    assert.deepEqual(decode(encode(record)), {
      id: String(BIG),
      big_count: String(UINT64_MAX),
      customer_name: "Ada",
      counters: { a: "9223372036854775807", b: "-5" },
      ids: [String(BIG), "-9223372036854775808", "3"],
      first_item: { sku: "x", qty: 2, parent: { sku: "p" } },
      ship_to: { street: "Main", named_points: { home: { lat: 1.5, lng: -2 } } },
      level: 1,
      status: 1,
      blob: [1, 2],
      email: "a@b.c",
      contact: "email",
    });
  });

  it("encodes protobuf-es v2 messages: camelCase names, oneof groups, bigint, unset proto2 defaults", () => {
    const withDefaults = Object.create({ customerName: "", bigCount: 0n }) as Record<string, unknown>;
    const record = Object.assign(withDefaults, {
      $typeName: "shop.Order",
      id: BIG,
      firstItem: { $typeName: "shop.Order.Item", sku: "x", qty: 2 },
      items: [{ $typeName: "shop.Order.Item", sku: "y" }],
      counters: { a: -1n },
      shipTo: { $typeName: "other.Address", namedPoints: { home: { $typeName: "other.Address.Geo", lat: 3 } } },
      contact: { case: "phone", value: "555" },
      ids: [1n, BIG],
    });
    assert.deepEqual(decode(encode(record, 0)), {
      id: String(BIG),
      first_item: { sku: "x", qty: 2 },
      items: [{ sku: "y" }],
      counters: { a: "-1" },
      ship_to: { named_points: { home: { lat: 3 } } },
      phone: "555",
      contact: "phone",
      ids: ["1", String(BIG)],
    });
  });

  it("encodes protobuf-es v2 messages against a DescMessage descriptor", () => {
    const esDescriptor = resolveDescriptor(fakeDescMessage(shopRoot(), "shop.Order") as never);
    const bytes = createRecordEncoder("proto", esDescriptor)({ $typeName: "shop.Order", id: BIG, customerName: "Ada" });
    assert.deepEqual(decode(bytes), { id: String(BIG), customer_name: "Ada" });
  });

  it("rejects a protobuf-es v2 message of another type", () => {
    rejects(() => encode({ $typeName: "shop.Category", name: "x" }, 4), /^Record 4: protobuf-es message 'shop\.Category' does not match the stream's message 'shop\.Order'/);
  });

  it("rejects inexact or out-of-range 64-bit integers, naming the field", () => {
    rejects(() => encode({ id: 2n ** 63n }, 1), /^Record 1: Order\.id: 9223372036854775808 is out of range for int64/);
    rejects(() => encode({ big_count: -1n }), /^Record: Order\.big_count: -1 is out of range for uint64/);
    rejects(() => encode({ id: "12abc" }), /Order\.id: expected a 64-bit integer.*"12abc"/);
    rejects(() => encode({ id: 1.5 }), /Order\.id: expected a 64-bit integer/);
    rejects(() => encode({ counters: { a: "x" } }), /Order\.counters\["a"\]: expected a 64-bit integer/);
    rejects(() => encode({ ids: [1, 2n ** 64n] }), /Order\.ids\["1"\]: .* out of range/);
  });

  it("rejects unknown fields, hinting at the .proto name", () => {
    rejects(() => encode({ id: 1, customerName: "Ada" }, 2), /^Record 2: Order: unknown field 'customerName' \(did you mean 'customer_name'\?/);
    rejects(() => encode({ first_item: { nope: 1 } }), /Order\.first_item: unknown field 'nope'$/);
  });

  it("rejects values protobufjs cannot convert", () => {
    rejects(() => encode({ first_item: 5 }, 0), /^Record 0: cannot encode as shop\.Order: .*object expected/);
    rejects(() => encode({ items: {} }), /Order\.items: expected an array/);
  });

  it("requires a descriptor for plain objects and protobuf-es v2 messages", () => {
    const bare = createRecordEncoder("proto");
    rejects(() => bare({ id: 1 }, 3), /^Record 3: a descriptor is required to encode plain objects for a PROTO stream/);
    rejects(() => bare({ $typeName: "shop.Order" }), /a descriptor is required to encode protobuf-es message 'shop\.Order'/);
    const bytes = new Uint8Array([1]);
    assert.equal(bare(bytes), bytes, "bytes still work without a descriptor");
  });

  const wrongKinds: Array<[unknown, string]> = [
    ["{\"id\":1}", "string"],
    [42, "number"],
    [1n, "bigint"],
    [true, "boolean"],
    [null, "null"],
    [undefined, "undefined"],
    [[1, 2], "array"],
    [new Date(0), "Date"],
    [new Map(), "Map"],
    [() => 1, "function"],
  ];
  for (const [record, kind] of wrongKinds) {
    it(`rejects ${kind} records`, () => {
      rejects(() => encode(record, 7), new RegExp(`^Record 7: expected a Uint8Array, a protobuf message or a plain object for a PROTO stream, got ${kind}$`));
      rejects(() => encode(record), new RegExp(`^Record: expected .* for a PROTO stream, got ${kind}$`));
    });
  }
});

describe("createRecordEncoder (JSON)", () => {
  const encode = createRecordEncoder("json");
  const text = (record: EncodedRecord) => {
    assert.equal(typeof record, "string", "JSON records stay text until the envelope is written");
    return record as string;
  };

  it("sends strings as they are, unvalidated", () => {
    assert.equal(text(encode('{"name":"Zoë ☃"}')), '{"name":"Zoë ☃"}');
    assert.equal(text(encode("not json at all")), "not json at all");
  });

  it("serializes objects and arrays, writing bigints as exact JSON integers", () => {
    const record = { id: BIG, neg: -BIG, list: [1n, { deep: UINT64_MAX }], name: "a", when: new Date(0) };
    const json = text(encode(record));
    assert.equal(
      json,
      `{"id":9007199254740993,"neg":-9007199254740993,"list":[1,{"deep":18446744073709551615}],"name":"a","when":"1970-01-01T00:00:00.000Z"}`,
    );
    assert.equal(text(encode([{ a: 1 }])), '[{"a":1}]');
  });

  it("leaves strings that look like numbers alone", () => {
    assert.equal(text(encode({ id: "9007199254740993", big: 1n })), '{"id":"9007199254740993","big":1}');
  });

  it("rejects records that cannot be serialized", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    rejects(() => encode(cyclic, 5), /^Record 5: cannot be serialized as JSON: .*circular/i);
    rejects(() => encode({ toJSON: () => undefined }), /^Record: cannot be serialized as JSON/);
  });

  const wrongKinds: Array<[unknown, string]> = [
    [new Uint8Array([1]), "Uint8Array"],
    [Buffer.from("{}"), "Buffer"],
    [new ArrayBuffer(2), "ArrayBuffer"],
    [42, "number"],
    [1n, "bigint"],
    [false, "boolean"],
    [null, "null"],
    [undefined, "undefined"],
  ];
  for (const [record, kind] of wrongKinds) {
    it(`rejects ${kind} records`, () => {
      rejects(() => encode(record, 0), new RegExp(`^Record 0: expected a string or an object for a JSON stream, got ${kind}$`));
    });
  }
});
