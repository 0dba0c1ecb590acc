import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SyncWindow } from "./sync-window.js";

describe("SyncWindow", () => {
  it("admits while there is room and releases by acknowledged offset", () => {
    const w = new SyncWindow(5);
    assert.ok(w.fits(5));
    w.add(2); // offset 0
    w.add(3); // offset 1
    assert.equal(w.inflight, 5);
    assert.ok(!w.fits(1));
    w.acknowledge(0);
    assert.equal(w.inflight, 3);
    assert.ok(w.fits(2) && !w.fits(3));
    w.acknowledge(0); // repeated: nothing
    w.acknowledge(-1); // stale: nothing
    assert.equal(w.inflight, 3);
    w.acknowledge(1);
    assert.equal(w.inflight, 0);
  });

  it("admits an entry larger than the window once it is empty, as the engine does", () => {
    const w = new SyncWindow(3);
    assert.ok(w.fits(10));
    w.add(10);
    assert.ok(!w.fits(1));
    w.acknowledge(0);
    assert.ok(w.fits(1));
  });

  it("ignores acknowledgments beyond what it admitted and compacts as it goes", () => {
    const w = new SyncWindow(1_000_000);
    for (let i = 0; i < 20_000; i++) w.add(1);
    w.acknowledge(15_000);
    assert.equal(w.inflight, 4_999);
    w.acknowledge(1e9);
    assert.equal(w.inflight, 0);
    w.add(4);
    assert.equal(w.inflight, 4);
    w.acknowledge(20_000);
    assert.equal(w.inflight, 0);
  });
});
