import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InflightWindow } from "./inflight-window.js";

describe("InflightWindow", () => {
  it("admits up to the limit, then queues in order", async () => {
    const window = new InflightWindow(3);
    assert.ok(window.tryAcquire(2));
    assert.ok(window.tryAcquire(1));
    assert.equal(window.tryAcquire(1), false);
    const order: string[] = [];
    const a = window.acquire(2).then(() => order.push("a"));
    const b = window.acquire(1).then(() => order.push("b"));
    assert.equal(window.tryAcquire(1), false, "no overtaking while others wait");
    window.release(2);
    await a;
    window.release(1);
    await b;
    assert.deepEqual(order, ["a", "b"]);
    assert.equal(window.inflight, 3);
  });

  it("admits an oversized batch once the window is empty", async () => {
    const window = new InflightWindow(2);
    assert.ok(window.tryAcquire(1));
    const big = window.acquire(10);
    window.release(1);
    await big;
    assert.equal(window.inflight, 10);
  });

  it("rejects waiters and later calls once closed", async () => {
    const window = new InflightWindow(1);
    window.tryAcquire(1);
    const waiting = window.acquire(1);
    window.close(new Error("boom"));
    await assert.rejects(waiting, /boom/);
    await assert.rejects(window.acquire(1), /boom/);
  });
});
