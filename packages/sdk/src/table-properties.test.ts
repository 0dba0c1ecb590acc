import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "./errors.js";
import { TableProperties, normalizeTableProperties } from "./table-properties.js";
import { shopRoot } from "./test-support/proto-fixtures.js";

const TABLE = "main.default.orders";

describe("TableProperties", () => {
  it("keeps the name and the descriptor as given (Python style)", () => {
    const type = shopRoot().lookupType("shop.Order");
    const props = new TableProperties(TABLE, type);
    assert.equal(props.tableName, TABLE);
    assert.equal(props.descriptor, type);
  });

  it("rejects a bad table name at construction", () => {
    assert.throws(() => new TableProperties("orders"), NonRetriableException);
  });
});

describe("normalizeTableProperties", () => {
  it("resolves the descriptor of a TableProperties instance", () => {
    const props = normalizeTableProperties(new TableProperties(TABLE, shopRoot().lookupType("shop.Order")));
    assert.equal(props.tableName, TABLE);
    assert.equal(props.descriptor?.messageName, "shop.Order");
  });

  it("accepts the official TypeScript shape with a base64 descriptorProto", () => {
    const resolved = normalizeTableProperties(new TableProperties(TABLE, shopRoot().lookupType("shop.Order")));
    const base64 = Buffer.from(resolved.descriptor!.descriptorProto).toString("base64");
    const props = normalizeTableProperties({ tableName: TABLE, descriptorProto: base64 });
    assert.ok(Buffer.from(props.descriptor!.descriptorProto).equals(resolved.descriptor!.descriptorProto));
  });

  it("accepts a table without a descriptor (JSON streams)", () => {
    assert.deepEqual(normalizeTableProperties({ tableName: TABLE }), { tableName: TABLE });
    assert.deepEqual(normalizeTableProperties(new TableProperties(TABLE)), { tableName: TABLE });
  });

  it("rejects a bad table name in the plain shape", () => {
    assert.throws(
      () => normalizeTableProperties({ tableName: "main.orders" }),
      (err: unknown) => err instanceof NonRetriableException && /Invalid table name 'main.orders'/.test(err.message),
    );
  });

  it("rejects a bad descriptor, naming the table and the field", () => {
    assert.throws(
      () => normalizeTableProperties({ tableName: TABLE, descriptorProto: "not base64!" }),
      (err: unknown) =>
        err instanceof NonRetriableException &&
        err.message.includes(`'${TABLE}' (descriptorProto)`) &&
        /base64/.test(err.message),
    );
  });

  it("rejects non-objects and conflicting descriptor fields", () => {
    assert.throws(() => normalizeTableProperties(null), /got null/);
    assert.throws(() => normalizeTableProperties("main.default.orders"), /got string/);
    assert.throws(
      () => normalizeTableProperties({ tableName: TABLE, descriptorProto: "AA==", descriptor: new Uint8Array() }),
      /either descriptorProto or descriptor/,
    );
  });
});
