/**
 * The delivery-invariant checker itself: it must pass a correct history and name every kind of breach —
 * a record lost outright, an acknowledged record missing at the server, a rejected record not returned
 * by `getUnacked*`, a duplicate of a record that was never in flight at a fault, a phantom record, and
 * contradictory histories. A checker that cannot fail proves nothing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DeliveryTracker, assertDelivered } from "../test-support/delivery-tracker.js";
import { countIds } from "../test-support/numbered-records.js";
import { createSeededRandom } from "../test-support/seeded-random.js";

describe("DeliveryTracker", () => {
  it("accepts a correct history: acked and stored, rejected and returned, duplicates only of records in flight at a fault", () => {
    const t = new DeliveryTracker();
    t.handOver([1, 2, 3, 4]);
    t.acked([1]);
    t.noteFault([2, 3, 4]); // 2, 3, 4 in flight when the connection broke
    t.acked([2]);
    t.rejected([3, 4]);
    t.returnedUnacked([3, 4]);
    const report = t.check(countIds([1, 2, 2, 3])); // 2 was resent; 3 reached the server before the failure
    assertDelivered(report);
    assert.deepEqual(
      { records: report.records, acked: report.acked, rejected: report.rejectedAndReturned, duplicates: report.duplicates, faults: report.faults },
      { records: 4, acked: 2, rejected: 2, duplicates: 1, faults: 1 },
    );
  });

  it("follows records re-ingested by recreateStream, and forgets records whose ingest call was refused", () => {
    const t = new DeliveryTracker();
    t.handOver([1, 2]);
    t.rejected([1, 2]);
    t.returnedUnacked([1, 2]);
    t.handOver([1, 2]); // recreateStream
    t.acked([1, 2]);
    t.handOver([3]);
    t.refused([3]); // the call threw: the record was never accepted
    assertDelivered(t.check(countIds([1, 2])));
  });

  const breaches: Array<[string, (t: DeliveryTracker) => Map<number, number>, RegExp]> = [
    ["a record neither acknowledged nor rejected", (t) => (t.handOver([1]), new Map()), /record 1 lost: pending/],
    ["an acknowledged record missing at the server", (t) => (t.handOver([1]), t.acked([1]), new Map()), /record 1 lost: acked, 0 copies/],
    ["a rejected record not returned by getUnacked", (t) => (t.handOver([1]), t.rejected([1]), new Map()), /not returned by getUnacked/],
    ["a duplicate never in flight at a fault", (t) => (t.handOver([1]), t.acked([1]), countIds([1, 1])), /stored 2 times but was never in flight/],
    ["a phantom record", (t) => (t.handOver([1]), t.acked([1]), countIds([1, 9])), /record 9 is at the server/],
    ["an acknowledged record returned by getUnacked", (t) => (t.handOver([1]), t.acked([1]), t.returnedUnacked([1]), countIds([1])), /which was acknowledged/],
    ["a record settled twice", (t) => (t.handOver([1]), t.acked([1]), t.rejected([1]), countIds([1])), /settled twice/],
    ["a record handed over twice while pending", (t) => (t.handOver([1]), t.handOver([1]), t.acked([1]), countIds([1])), /handed over twice/],
  ];
  for (const [name, history, message] of breaches) {
    it(`detects ${name}`, () => {
      const t = new DeliveryTracker();
      const report = t.check(history(t));
      assert.throws(() => assertDelivered(report), message);
    });
  }
});

describe("createSeededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const r = createSeededRandom(seed);
      return Array.from({ length: 8 }, () => r.int(0, 1_000_000));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    const r = createSeededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
  });
});
