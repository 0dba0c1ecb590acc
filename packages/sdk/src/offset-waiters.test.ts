import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZerobusException } from "./errors.js";
import { OffsetWaiters } from "./offset-waiters.js";

describe("OffsetWaiters", () => {
  it("resolves waiters as the acked offset passes their targets", async () => {
    const waiters = new OffsetWaiters();
    const done: number[] = [];
    const p = [5, 1, 3].map((t) => waiters.waitFor(t, 10_000, "wait").then(() => done.push(t)));
    waiters.advance(3);
    await Promise.all([p[1], p[2]]);
    assert.deepEqual(done, [1, 3]);
    waiters.advance(2); // never goes backwards
    assert.equal(waiters.acked, 3);
    waiters.advance(5);
    await p[0];
    assert.deepEqual(done, [1, 3, 5]);
  });

  it("times out with a retriable DEADLINE_EXCEEDED error naming the operation", async () => {
    const waiters = new OffsetWaiters();
    await assert.rejects(waiters.waitFor(1, 20, "Flush"), (err: unknown) => {
      assert.ok(err instanceof ZerobusException);
      assert.equal(err.grpcCode, 4);
      assert.match(err.message, /Flush timed out after 20 ms/);
      return true;
    });
  });

  it("rejects current and later waits once failed", async () => {
    const waiters = new OffsetWaiters();
    const p = waiters.waitFor(1, 10_000, "wait");
    waiters.fail(new Error("stream failed"));
    await assert.rejects(p, /stream failed/);
    await assert.rejects(waiters.waitFor(2, 10_000, "wait"), /stream failed/);
  });
});
