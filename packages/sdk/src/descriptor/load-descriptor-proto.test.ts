import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import {
  decodeDescriptor,
  descriptorSetOf,
  nestedType,
  parseProtos,
  shopRoot,
  typeNameOf,
  writeDescriptorSet,
} from "../test-support/proto-fixtures.js";
import type { IFileDescriptorSet } from "./protobuf-runtime.js";
import { loadDescriptorProto } from "./load-descriptor-proto.js";
import { resolveDescriptor } from "./resolve-descriptor.js";

/** The shop set with protoc-like file names. */
function shopSet(): IFileDescriptorSet {
  const set = descriptorSetOf(shopRoot());
  for (const file of set.file ?? []) file.name = file.package === "shop" ? "schemas/shop/order.proto" : "schemas/other.proto";
  return set;
}

const isNonRetriable = (pattern: RegExp) => (err: unknown) =>
  err instanceof NonRetriableException && pattern.test(err.message);

describe("loadDescriptorProto", () => {
  it("returns the base64 of a self-contained DescriptorProto, with imported types nested", async () => {
    const descriptorPath = await writeDescriptorSet(shopSet());
    const base64 = loadDescriptorProto({ descriptorPath, protoFileName: "schemas/shop/order.proto", messageName: "Order" });
    const proto = decodeDescriptor(base64);
    assert.equal(proto.name, "Order");
    assert.equal(typeNameOf(proto, "ship_to"), ".shop.Order.Address");
    assert.ok(nestedType(proto, "Geo"));
    assert.equal(resolveDescriptor(base64).messageName, "Order", "the result is accepted as a descriptor");
  });

  it("matches the file by path suffix, by a longer path, or searches all files", async () => {
    const descriptorPath = await writeDescriptorSet(shopSet());
    const expected = loadDescriptorProto({ descriptorPath, protoFileName: "schemas/shop/order.proto", messageName: "Order" });
    for (const protoFileName of ["order.proto", "shop/order.proto", "/home/me/repo/schemas/shop/order.proto", undefined]) {
      assert.equal(loadDescriptorProto({ descriptorPath, protoFileName, messageName: "Order" }), expected, String(protoFileName));
    }
  });

  it("accepts a fully qualified message name", async () => {
    const descriptorPath = await writeDescriptorSet(shopSet());
    const expected = loadDescriptorProto({ descriptorPath, messageName: "Order" });
    assert.equal(loadDescriptorProto({ descriptorPath, messageName: "shop.Order" }), expected);
    assert.equal(loadDescriptorProto({ descriptorPath, messageName: ".shop.Order" }), expected);
  });

  it("lists the available files when the file is not found", async () => {
    const descriptorPath = await writeDescriptorSet(shopSet());
    assert.throws(
      () => loadDescriptorProto({ descriptorPath, protoFileName: "missing.proto", messageName: "Order" }),
      isNonRetriable(/'missing\.proto' not found.*Available files: schemas\/other\.proto, schemas\/shop\/order\.proto/),
    );
  });

  it("lists the available messages when the message is not found", async () => {
    const descriptorPath = await writeDescriptorSet(shopSet());
    assert.throws(
      () => loadDescriptorProto({ descriptorPath, protoFileName: "order.proto", messageName: "Invoice" }),
      isNonRetriable(/Message 'Invoice' not found in 'order\.proto'\. Available messages: shop\.Order, shop\.Category/),
    );
    assert.throws(
      () => loadDescriptorProto({ descriptorPath, protoFileName: "other.proto", messageName: "Order" }),
      isNonRetriable(/Available messages: other\.Address$/),
    );
  });

  it("reports an ambiguous message name with the candidates", async () => {
    const set = descriptorSetOf(
      parseProtos([`syntax = "proto2"; package a; message Row { optional int32 x = 1; }`,
        `syntax = "proto2"; package b; message Row { optional int32 y = 1; }`]),
    );
    const descriptorPath = await writeDescriptorSet(set);
    assert.throws(() => loadDescriptorProto({ descriptorPath, messageName: "Row" }), isNonRetriable(/ambiguous.*a\.Row, b\.Row/));
    assert.equal(decodeDescriptor(loadDescriptorProto({ descriptorPath, messageName: "b.Row" })).field?.[0]?.name, "y");
  });

  it("reports an unresolvable import, naming the field", async () => {
    const set = shopSet();
    set.file = set.file?.filter((file) => file.package === "shop");
    const descriptorPath = await writeDescriptorSet(set);
    assert.throws(
      () => loadDescriptorProto({ descriptorPath, messageName: "Order" }),
      isNonRetriable(/'shop\.Order\.ship_to' refers to type 'other\.Address'/),
    );
  });

  it("reports unreadable and malformed files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zerobus-descriptor-"));
    const missing = join(dir, "nope.pb");
    assert.throws(() => loadDescriptorProto({ descriptorPath: missing, messageName: "Order" }), isNonRetriable(/Cannot read descriptor set '.*nope\.pb'/));
    const garbage = join(dir, "garbage.pb");
    await writeFile(garbage, Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    assert.throws(() => loadDescriptorProto({ descriptorPath: garbage, messageName: "Order" }), isNonRetriable(/is not a serialized FileDescriptorSet/));
    const empty = join(dir, "empty.pb");
    await writeFile(empty, new Uint8Array());
    assert.throws(() => loadDescriptorProto({ descriptorPath: empty, messageName: "Order" }), isNonRetriable(/contains no files/));
  });

  it("rejects missing options", () => {
    const call = loadDescriptorProto as (options: unknown) => string;
    assert.throws(() => call({ messageName: "Order" }), isNonRetriable(/'descriptorPath' must be a non-empty string/));
    assert.throws(() => call({ descriptorPath: "x.pb" }), isNonRetriable(/'messageName' must be a non-empty string/));
  });
});
