import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "./errors.js";
import { RecordType, resolveRecordType } from "./record-type.js";

describe("RecordType", () => {
  it("carries both official spellings with their own numbers", () => {
    assert.equal(RecordType.PROTO, 1);
    assert.equal(RecordType.JSON, 2);
    assert.equal(RecordType.Proto, 1);
    assert.equal(RecordType.Json, 0);
    assert.ok(Object.isFrozen(RecordType));
  });

  it("resolves every spelling to a format name", () => {
    assert.equal(resolveRecordType(RecordType.PROTO), "proto");
    assert.equal(resolveRecordType(RecordType.JSON), "json");
    assert.equal(resolveRecordType(RecordType.Proto), "proto");
    assert.equal(resolveRecordType(RecordType.Json), "json");
    assert.equal(resolveRecordType("PROTO"), "proto");
    assert.equal(resolveRecordType("Json"), "json");
    assert.equal(resolveRecordType(undefined), "proto");
  });

  for (const bad of [3, -1, 1.5, "xml", "", null, 1n, {}]) {
    it(`rejects ${String(bad)} naming the value`, () => {
      assert.throws(
        () => resolveRecordType(bad),
        (err: unknown) => {
          assert.ok(err instanceof NonRetriableException);
          assert.match(err.message, /^Invalid record type /);
          if (typeof bad === "number") assert.ok(err.message.includes(String(bad)));
          if (bad === "xml") assert.ok(err.message.includes('"xml"'));
          return true;
        },
      );
    });
  }
});
