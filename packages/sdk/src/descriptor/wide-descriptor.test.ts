import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { decodeDescriptor } from "../test-support/proto-fixtures.js";
import { withLinearFieldAdds } from "./linear-field-adds.js";
import { DescriptorTypes, protobuf } from "./protobuf-runtime.js";
import { resolveDescriptor } from "./resolve-descriptor.js";

// 10,000 columns the table does not have plus one it has: protobufjs' own field adds are quadratic, so this
// took ~22 s before type building went through withLinearFieldAdds. The `timeout` bounds it; no timing asserts.
const EXTRA_FIELDS = 10_000;
const WIDE = { timeout: 10_000 };

function wideFields(): Array<{ name: string; number: number; label: number; type: number }> {
  const fields = [{ name: "id", number: 1, label: 1, type: 3 }];
  for (let i = 0; i < EXTRA_FIELDS; i++) fields.push({ name: `extra_${i}`, number: i + 2, label: 1, type: 9 });
  return fields;
}

function wideDescriptorBytes(fields = wideFields()): Uint8Array {
  const type = DescriptorTypes.DescriptorProto;
  return type.encode(type.fromObject({ name: "Wide", field: fields })).finish();
}

function assertWide(resolved: ReturnType<typeof resolveDescriptor>, messageName: string): void {
  assert.equal(resolved.messageName, messageName);
  const proto = decodeDescriptor(resolved.descriptorProto);
  assert.equal(proto.name, "Wide");
  assert.equal(proto.field?.length, EXTRA_FIELDS + 1);
  assert.deepEqual(proto.field?.map((f) => f.name), wideFields().map((f) => f.name));
  assert.equal(resolved.messageType.fieldsArray.length, EXTRA_FIELDS + 1);
  assert.equal(resolved.messageType.fieldsById[1]?.name, "id");
  assert.equal(resolved.messageType.fieldsById[EXTRA_FIELDS + 1]?.name, `extra_${EXTRA_FIELDS - 1}`);
  const record = resolved.messageType.fromObject({ id: 7, extra_9999: "last" });
  const decoded = resolved.messageType.toObject(resolved.messageType.decode(resolved.messageType.encode(record).finish()), {
    longs: Number,
  });
  assert.deepEqual(decoded, { id: 7, extra_9999: "last" });
}

describe("a descriptor with 10,001 fields", () => {
  it("resolves from a protobufjs Type into the same self-contained descriptor", WIDE, () => {
    const type = withLinearFieldAdds(() => {
      const wide = new protobuf.Type("Wide");
      for (const f of wideFields()) wide.add(new protobuf.Field(f.name, f.number, f.type === 3 ? "int64" : "string"));
      new protobuf.Root().define("wide").add(wide);
      return wide;
    });
    const resolved = resolveDescriptor(type);
    assertWide(resolved, "wide.Wide");
    const numbered = decodeDescriptor(resolved.descriptorProto).field?.map((f) => [f.name, f.number, f.type]);
    assert.deepEqual(numbered, wideFields().map((f) => [f.name, f.number, f.type]));
  });

  it("resolves from serialized bytes, sent unchanged", WIDE, () => {
    const bytes = wideDescriptorBytes();
    const resolved = resolveDescriptor(bytes);
    assertWide(resolved, "Wide");
    assert.deepEqual(Buffer.from(resolved.descriptorProto), Buffer.from(bytes));
  });

  it("still rejects a duplicate field number, and leaves protobufjs' own add in place", WIDE, () => {
    const add = protobuf.Type.prototype.add;
    const fields = wideFields();
    fields.push({ name: "again", number: 5, label: 1, type: 9 });
    assert.throws(
      () => resolveDescriptor(wideDescriptorBytes(fields)),
      (err: unknown) => err instanceof NonRetriableException && /'Wide': duplicate id 5 in Type Wide/.test(err.message),
    );
    assert.equal(protobuf.Type.prototype.add, add);
    const small = new protobuf.Type("Small").add(new protobuf.Field("a", 1, "string"));
    assert.throws(() => small.add(new protobuf.Field("b", 1, "string")), /duplicate id 1/);
  });
});
