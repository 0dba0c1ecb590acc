import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { decodeDescriptor, fakeDescMessage, nestedType, parseProtos, shopRoot, typeNameOf } from "../test-support/proto-fixtures.js";
import { protobuf } from "./protobuf-runtime.js";
import { resolveDescriptor } from "./resolve-descriptor.js";

const isNonRetriable = (pattern: RegExp) => (err: unknown) =>
  err instanceof NonRetriableException && pattern.test(err.message);

describe("resolveDescriptor", () => {
  it("resolves a protobufjs Type into a self-contained descriptor and an encoder type", () => {
    const resolved = resolveDescriptor(shopRoot().lookupType("shop.Order"));
    assert.equal(resolved.messageName, "shop.Order");
    assert.equal(resolved.protobufEs, undefined);
    const proto = decodeDescriptor(resolved.descriptorProto);
    assert.equal(typeNameOf(proto, "ship_to"), ".shop.Order.Address");
    assert.ok(nestedType(proto, "Category"));
    assert.ok(resolved.messageType.fields["customer_name"], "encoder type keeps .proto field names");
  });

  it("keeps .proto field names for types parsed without keepCase", () => {
    const resolved = resolveDescriptor(shopRoot(false).lookupType("shop.Order"));
    const names = decodeDescriptor(resolved.descriptorProto).field!.map((f) => f.name);
    assert.ok(names.includes("customer_name") && names.includes("big_count"));
    assert.ok(resolved.messageType.fields["customer_name"]);
  });

  it("accepts a Type from another protobufjs copy (duck-typed)", () => {
    const real = shopRoot().lookupType("shop.Order");
    const foreign = {
      name: real.name,
      fullName: real.fullName,
      fieldsArray: real.fieldsArray,
      root: { name: "", toJSON: () => real.root.toJSON() },
      toJSON: () => real.toJSON(),
    };
    assert.ok(!(foreign instanceof protobuf.Type));
    const expected = resolveDescriptor(real).descriptorProto;
    assert.deepEqual(resolveDescriptor(foreign).descriptorProto, expected);
  });

  it("accepts a detached Type that belongs to no Root", () => {
    const solo = new protobuf.Type("Solo").add(new protobuf.Field("n", 1, "int64"));
    const resolved = resolveDescriptor(solo);
    assert.equal(resolved.messageName, "Solo");
    assert.equal(decodeDescriptor(resolved.descriptorProto).field?.[0]?.name, "n");
  });

  it("names the field when a protobufjs Type refers to a type missing from its root", () => {
    const root = new protobuf.Root();
    protobuf.parse(`syntax = "proto2"; package app; message Row { optional other.Gone g = 1; }`, root, { keepCase: true });
    assert.throws(
      () => resolveDescriptor(root.lookupType("app.Row")),
      isNonRetriable(/Field 'app\.Row\.g' refers to type 'other\.Gone'/),
    );
  });

  it("resolves a protobuf-es DescMessage to the same bytes and keeps it", () => {
    const root = shopRoot();
    const desc = fakeDescMessage(root, "shop.Order");
    const resolved = resolveDescriptor(desc as Parameters<typeof resolveDescriptor>[0]);
    assert.equal(resolved.protobufEs, desc);
    assert.equal(resolved.messageName, "shop.Order");
    // Prototype defaults (e.g. oneofIndex: 0) must not turn every field into a oneof member.
    const proto = decodeDescriptor(resolved.descriptorProto);
    assert.equal(proto.field!.find((f) => f.name === "id")!.oneofIndex ?? undefined, undefined);
    assert.deepEqual(resolved.descriptorProto, resolveDescriptor(root.lookupType("shop.Order")).descriptorProto);
  });

  it("round-trips through bytes and base64 unchanged", () => {
    const first = resolveDescriptor(shopRoot().lookupType("shop.Order"));
    const fromBytes = resolveDescriptor(first.descriptorProto);
    const base64 = Buffer.from(first.descriptorProto).toString("base64");
    const fromBase64 = resolveDescriptor(base64);
    assert.ok(Buffer.from(fromBytes.descriptorProto).equals(first.descriptorProto));
    assert.ok(Buffer.from(fromBase64.descriptorProto).equals(first.descriptorProto));
    assert.equal(fromBase64.messageName, "Order");
    assert.ok(fromBase64.messageType.fields["ship_to"]!.resolve().resolvedType);
  });

  it("copies serialized input so later changes to the caller's buffer do not leak", () => {
    const bytes = Buffer.from(resolveDescriptor(shopRoot().lookupType("shop.Order")).descriptorProto);
    const resolved = resolveDescriptor(bytes);
    bytes.fill(0);
    assert.notEqual(resolved.descriptorProto[0], 0);
  });

  it("rejects serialized descriptors that are not self-contained", () => {
    const root = parseProtos([`syntax = "proto2"; package p; message A { optional B b = 1; } message B { optional int32 x = 1; }`]);
    const notNested = root.lookupType("p.A").toDescriptor("proto2");
    const bytes = protobuf.util.isNode ? Buffer.from((notNested.constructor as unknown as protobuf.Type).encode(notNested).finish()) : new Uint8Array();
    assert.throws(() => resolveDescriptor(bytes), isNonRetriable(/Field 'A\.b' refers to type 'B'/));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["a number", 42, /got number/],
    ["null", null, /got null/],
    ["a plain object", { name: "x" }, /got a plain object/],
    ["an empty string", "", /base64/],
    ["a non-base64 string", "%%%not-base64%%%", /base64/],
    ["garbage bytes", new Uint8Array([0xff, 0xff, 0xff]), /not a serialized DescriptorProto/],
    ["an unnamed descriptor", new Uint8Array(), /no message name/],
  ];
  for (const [what, input, pattern] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(() => resolveDescriptor(input as Parameters<typeof resolveDescriptor>[0]), isNonRetriable(pattern));
    });
  }
});
