import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocRequestBuffer, releaseRequestBuffer } from "./request-buffers.js";

describe("request buffers", () => {
  it("reuses the memory of a released request for the next one of the same size class", () => {
    const first = allocRequestBuffer(40_000);
    assert.equal(first.length, 40_000);
    const memory = first.buffer;
    releaseRequestBuffer(first);
    const second = allocRequestBuffer(33_000); // same power-of-two class (64 KiB)
    assert.equal(second.length, 33_000);
    assert.equal(second.buffer, memory);
    const third = allocRequestBuffer(33_000); // the free list is empty again: fresh memory
    assert.notEqual(third.buffer, memory);
  });

  it("never takes in memory it did not hand out", () => {
    const foreign = Buffer.allocUnsafeSlow(64 * 1024); // same size as a pooled class, but not ours
    releaseRequestBuffer(foreign);
    assert.notEqual(allocRequestBuffer(40_000).buffer, foreign.buffer);
    const small = allocRequestBuffer(100); // Node's shared slab: never pooled
    releaseRequestBuffer(small);
    assert.notEqual(allocRequestBuffer(100).buffer.byteLength, 64 * 1024);
  });

  it("leaves small and huge requests to the allocator", () => {
    assert.equal(allocRequestBuffer(10).length, 10);
    const huge = allocRequestBuffer(5 * 1024 * 1024);
    assert.equal(huge.length, 5 * 1024 * 1024);
    releaseRequestBuffer(huge);
    assert.notEqual(allocRequestBuffer(5 * 1024 * 1024).buffer, huge.buffer);
  });
});
