import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_RECOVERY_BACKOFF_MS, recoveryBackoffBoundMs, recoveryBackoffMs } from "./recovery-backoff.js";
import { RetryBudget } from "./retry-budget.js";
import { ZerobusException } from "./errors.js";
import { createSeededRandom } from "./test-support/seeded-random.js";

describe("recovery backoff", () => {
  it("bounds double from recoveryBackoffMs and stop at 30 s", () => {
    const bounds = [1, 2, 3, 4, 5, 6, 10, 100].map((n) => recoveryBackoffBoundMs(n, 2_000));
    assert.deepEqual(bounds, [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    assert.equal(recoveryBackoffBoundMs(0, 2_000), 0, "no failure, no pause");
    assert.equal(recoveryBackoffBoundMs(3, 60_000), 60_000, "a base above the cap is the cap");
    assert.equal(recoveryBackoffBoundMs(3, 0), 0);
  });

  it("draws every delay within [0, bound] and spreads them over the interval (seeded)", () => {
    for (const seed of [1, 2, 3]) {
      const random = createSeededRandom(seed);
      for (let failures = 1; failures <= 12; failures++) {
        const bound = recoveryBackoffBoundMs(failures, 500);
        const delays = Array.from({ length: 200 }, () => recoveryBackoffMs(failures, 500, () => random.next()));
        for (const d of delays) assert.ok(Number.isInteger(d) && d >= 0 && d <= bound, `seed ${seed}: ${d} outside [0, ${bound}]`);
        // Full jitter: the draws cover the interval instead of bunching at one point.
        assert.ok(Math.min(...delays) < bound * 0.1 && Math.max(...delays) > bound * 0.9, `seed ${seed}, failures ${failures}: not spread`);
      }
    }
    assert.equal(recoveryBackoffMs(50, 1_000, () => 0.999999999), MAX_RECOVERY_BACKOFF_MS);
  });

  it("a retry budget counts consecutive failures, draws the pause after each, and refills on progress", () => {
    const random = createSeededRandom(7);
    const budget = new RetryBudget({ attempts: 3, backoffMs: 100, random: () => random.next() });
    assert.equal(budget.nextDelayMs, 0);
    const error = new ZerobusException("boom");
    budget.fail(error);
    assert.ok(budget.nextDelayMs <= 100);
    budget.fail(error);
    assert.ok(budget.nextDelayMs <= 200);
    assert.equal(budget.exhausted, false);
    budget.fail(error);
    assert.equal(budget.exhausted, true);
    assert.equal(budget.lastError, error);
    budget.progress();
    assert.deepEqual([budget.failures, budget.nextDelayMs, budget.exhausted], [0, 0, false]);
  });
});
