import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import {
  MAIN_PROTO,
  OTHER_PROTO,
  descriptorSetOf,
  nestedType,
  parseProtos,
  shopRoot,
  typeNameOf,
} from "../test-support/proto-fixtures.js";
import { DescriptorTypes, protobuf } from "./protobuf-runtime.js";
import type { IDescriptorProto } from "./protobuf-runtime.js";
import { checkSelfContained, makeSelfContained } from "./self-contained.js";
import { buildTypeIndex } from "./type-index.js";

const nest = (root: protobuf.Root, name: string) =>
  makeSelfContained(buildTypeIndex(descriptorSetOf(root).file ?? []), name);

/** Loads a self-contained result back with protobufjs' own descriptor resolution. */
function reload(proto: IDescriptorProto, packageName: string, fullName: string): protobuf.Type {
  const set = DescriptorTypes.FileDescriptorSet;
  const bytes = set.encode(set.fromObject({ file: [{ name: "x.proto", package: packageName, messageType: [proto] }] })).finish();
  const root = protobuf.Root.fromDescriptor(bytes, { keepCase: true });
  root.resolveAll();
  return root.lookupType(fullName);
}

describe("makeSelfContained", () => {
  it("nests cross-file and sibling types into the root with fully qualified names", () => {
    const { proto, fullName, packageName } = nest(shopRoot(), "shop.Order");
    assert.equal(fullName, "shop.Order");
    assert.equal(packageName, "shop");
    const nestedNames = (proto.nestedType ?? []).map((t) => t.name).sort();
    assert.deepEqual(nestedNames, ["Address", "Category", "Counters", "Geo", "Item"]);
    assert.deepEqual((proto.enumType ?? []).map((e) => e.name).sort(), ["Level", "Status"]);
    assert.equal(typeNameOf(proto, "ship_to"), ".shop.Order.Address");
    assert.equal(typeNameOf(proto, "level"), ".shop.Order.Level");
    assert.equal(typeNameOf(proto, "status"), ".shop.Order.Status");
    assert.equal(typeNameOf(proto, "category"), ".shop.Order.Category");
    assert.equal(typeNameOf(nestedType(proto, "Address")!, "geo"), ".shop.Order.Geo");
  });

  it("keeps recursive references pointing at the nested copy, without looping", () => {
    const { proto } = nest(shopRoot(), "shop.Order");
    assert.equal(typeNameOf(nestedType(proto, "Category")!, "parent"), ".shop.Order.Category");
    assert.equal(typeNameOf(nestedType(proto, "Item")!, "parent"), ".shop.Order.Item");
  });

  it("handles mutual recursion between external types", () => {
    const root = parseProtos([
      `syntax = "proto2"; package ext; message A { optional B b = 1; } message B { optional A a = 1; }`,
      `syntax = "proto2"; package app; message Row { optional ext.A a = 1; }`,
    ]);
    const { proto } = nest(root, "app.Row");
    assert.equal(typeNameOf(nestedType(proto, "A")!, "b"), ".app.Row.B");
    assert.equal(typeNameOf(nestedType(proto, "B")!, "a"), ".app.Row.A");
  });

  it("keeps map entries working, in the root and inside nested copies", () => {
    const { proto } = nest(shopRoot(), "shop.Order");
    const counters = nestedType(proto, "Counters")!;
    assert.equal(counters.options?.mapEntry, true);
    assert.equal(typeNameOf(proto, "counters"), ".shop.Order.Counters");
    const address = nestedType(proto, "Address")!;
    // protobufjs names map entries after the field (`Named_points`); protoc would say `NamedPointsEntry`.
    const entry = address.nestedType!.find((t) => t.options?.mapEntry)!;
    assert.equal(typeNameOf(address, "named_points"), `.shop.Order.Address.${entry.name}`);
    assert.equal(entry.options?.mapEntry, true);
    assert.equal(typeNameOf(entry, "value"), ".shop.Order.Geo");

    const type = reload(proto, "shop", "shop.Order");
    const value = {
      id: "1",
      counters: { a: "9007199254740993" },
      ship_to: { named_points: { home: { lat: 1.5 } } },
    };
    const decoded = type.toObject(type.decode(type.encode(type.fromObject(value)).finish()), { longs: String });
    assert.deepEqual(decoded, value);
  });

  it("produces a descriptor protobufjs resolves on its own", () => {
    const { proto } = nest(shopRoot(), "shop.Order");
    const type = reload(proto, "shop", "shop.Order");
    assert.equal(type.fields["ship_to"]!.resolvedType!.fullName, ".shop.Order.Address");
    assert.equal(type.fields["level"]!.resolvedType!.fullName, ".shop.Order.Level");
  });

  it("renames a copied type whose simple name is taken in the root", () => {
    const root = parseProtos([
      `syntax = "proto2"; package geo; message Address { optional string city = 1; }`,
      `syntax = "proto2"; package app; message Row { optional Address mine = 1; optional geo.Address theirs = 2;
         message Address { optional string line = 1; } }`,
    ]);
    const { proto } = nest(root, "app.Row");
    assert.equal(typeNameOf(proto, "mine"), ".app.Row.Address");
    assert.equal(typeNameOf(proto, "theirs"), ".app.Row.geo_Address");
    assert.equal(nestedType(proto, "geo_Address")?.field?.[0]?.name, "city");
  });

  it("roots a nested message under its own name, in its package", () => {
    const { proto, fullName } = nest(shopRoot(), "shop.Order.Item");
    assert.equal(fullName, "shop.Item");
    assert.equal(proto.name, "Item");
    assert.equal(typeNameOf(proto, "parent"), ".shop.Item");
  });

  it("nests well-known types when they are provided", () => {
    const root = parseProtos([
      `syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }`,
      `syntax = "proto2"; package app; import "google/protobuf/timestamp.proto";
       message Row { optional google.protobuf.Timestamp at = 1; }`,
    ]);
    const { proto } = nest(root, "app.Row");
    assert.equal(typeNameOf(proto, "at"), ".app.Row.Timestamp");
  });

  it("rejects an unresolvable reference, naming the field and the type", () => {
    const set = descriptorSetOf(shopRoot());
    const files = (set.file ?? []).filter((file) => file.package !== "other");
    assert.throws(
      () => makeSelfContained(buildTypeIndex(files), "shop.Order"),
      (err: unknown) =>
        err instanceof NonRetriableException &&
        err.message.includes("'shop.Order.ship_to'") &&
        err.message.includes("'other.Address'"),
    );
  });

  it("rejects an unprovided well-known type like any other", () => {
    const index = buildTypeIndex([
      {
        package: "app",
        messageType: [
          { name: "Row", field: [{ name: "at", number: 1, label: 1, type: 11, typeName: ".google.protobuf.Timestamp" }] },
        ],
      },
    ]);
    assert.throws(() => makeSelfContained(index, "app.Row"), /'app\.Row\.at' refers to type '\.google\.protobuf\.Timestamp'/);
  });

  it("rejects a root that is not a message of the index", () => {
    assert.throws(() => nest(shopRoot(), "shop.Nope"), /'shop\.Nope' is not defined/);
    assert.throws(() => nest(shopRoot(), "shop.Order.Status"), NonRetriableException);
  });

  it("does not modify its input", () => {
    const files = descriptorSetOf(shopRoot()).file ?? [];
    const before = JSON.stringify(files);
    makeSelfContained(buildTypeIndex(files), "shop.Order");
    assert.equal(JSON.stringify(files), before);
  });
});

describe("checkSelfContained", () => {
  it("accepts protoc-style names with any package prefix and rewrites them package-free", () => {
    const { proto } = nest(shopRoot(), "shop.Order");
    const checked = checkSelfContained(proto);
    assert.equal(checked.fullName, "Order");
    assert.equal(typeNameOf(checked.proto, "ship_to"), ".Order.Address");
    reload(checked.proto, "", "Order");
  });

  it("rejects references to types outside the message", () => {
    const set = descriptorSetOf(parseProtos([OTHER_PROTO, MAIN_PROTO]));
    const order = set.file?.find((f) => f.package === "shop")?.messageType?.find((m) => m.name === "Order");
    assert.throws(
      () => checkSelfContained(order!),
      (err: unknown) => err instanceof NonRetriableException && /'Order\.ship_to' refers to type 'other\.Address'/.test(err.message),
    );
  });
});
