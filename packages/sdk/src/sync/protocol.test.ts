import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { fromWireError, packBatches, toWireError, unpackBatches } from "./protocol.js";

describe("blocking client protocol", () => {
  it("rebuilds the SDK's error classes across threads", () => {
    const fatal = fromWireError(toWireError(new NonRetriableException("NOT_FOUND: t", { grpcCode: 5 })));
    assert.ok(fatal instanceof NonRetriableException);
    assert.equal(fatal.grpcCode, 5);
    assert.equal(fatal.message, "NOT_FOUND: t");
    const retriable = fromWireError(toWireError(new ZerobusException("UNAVAILABLE", { grpcCode: 14 })));
    assert.ok(retriable instanceof ZerobusException && !(retriable instanceof NonRetriableException));
    const other = fromWireError(toWireError(new TypeError("bug")));
    assert.equal(other.message, "TypeError: bug");
    assert.equal(fromWireError(toWireError("text")).message, "Error: text");
  });

  it("packs and unpacks batches of records", () => {
    const batches = [[Buffer.from("a")], [Buffer.from("bc"), Buffer.from("")], []];
    const packed = packBatches(batches);
    assert.equal(packed.bytes.byteLength, 3);
    assert.deepEqual(unpackBatches(packed).map((b) => b.map(String)), [["a"], ["bc", ""], []]);
  });
});
