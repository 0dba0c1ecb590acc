import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LogHistogram } from "./log-histogram.js";

/** Asserts `actual` is within `tolerance` (relative) of `expected`. */
function near(actual: number, expected: number, tolerance = 0.05): void {
  assert.ok(Math.abs(actual - expected) <= expected * tolerance, `${actual} is not within ${tolerance * 100}% of ${expected}`);
}

describe("LogHistogram", () => {
  it("is all zeros when empty", () => {
    assert.deepEqual(new LogHistogram().summary(), { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0 });
  });

  it("answers percentiles within the bucket precision", () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v / 10); // 0.1 … 1000 ms, uniform
    const s = h.summary();
    assert.equal(s.count, 10_000);
    assert.equal(s.min, 0.1);
    assert.equal(s.max, 1000);
    near(s.mean, 500.05, 1e-9);
    near(s.p50, 500);
    near(s.p90, 900);
    near(s.p99, 990);
    assert.equal(h.percentile(0), 0.1);
    assert.equal(h.percentile(100), 1000);
  });

  it("spans microseconds to an hour, clamping to the exact min and max", () => {
    const h = new LogHistogram();
    h.record(0.002);
    h.record(0);
    h.record(3_600_000);
    h.record(1e12); // beyond the top bucket
    h.record(-1); // ignored
    h.record(Number.NaN); // ignored
    assert.equal(h.count, 4);
    assert.equal(h.percentile(1), 0);
    assert.equal(h.percentile(99.9), 1e12);
    near(h.percentile(50), 0.002, 0.05);
  });

  it("weights samples and keeps O(1) memory", () => {
    const h = new LogHistogram();
    h.record(1, 99);
    h.record(100, 1);
    assert.equal(h.count, 100);
    near(h.percentile(99), 1);
    assert.equal(h.percentile(99.5), 100);
    for (let i = 0; i < 100_000; i++) h.record(i % 50);
    assert.equal(h.count, 100_100);
  });
});
