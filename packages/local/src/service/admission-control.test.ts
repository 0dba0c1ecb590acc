import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdmissionControl } from "./admission-control.js";
import { InflightBudget } from "./inflight-budget.js";

const LIMITS = { callBytes: 100, callRecords: 10, tableBytes: 150, tableRecords: 15, totalBytes: 200, totalRecords: 20 };

describe("InflightBudget", () => {
  it("admits what fits at once, queues the rest first come first served, and admits it on release", async () => {
    const budget = new InflightBudget({ bytes: 100, records: 10 });
    assert.equal(budget.acquire({ bytes: 60, records: 1 }), undefined);
    const order: string[] = [];
    const big = budget.acquire({ bytes: 60, records: 1 })!.then(() => order.push("big"));
    // Fits now, but waits behind the queued request: a stream of small requests cannot starve a big one.
    const small = budget.acquire({ bytes: 10, records: 1 })!.then(() => order.push("small"));
    budget.release({ bytes: 60, records: 1 });
    await Promise.all([big, small]);
    assert.deepEqual(order, ["big", "small"]);
    assert.equal(budget.exceedsAlone({ bytes: 101, records: 1 }), true);
    assert.equal(budget.exceedsAlone({ bytes: 1, records: 11 }), true);
  });
});

describe("AdmissionControl", () => {
  it("names the limit a request exceeds on its own", () => {
    const control = new AdmissionControl(LIMITS);
    assert.equal(control.refusal({ bytes: 100, records: 10 }), undefined);
    assert.match(control.refusal({ bytes: 101, records: 1 })!, /101 bytes exceeds the limit of 100 bytes in flight \(callBytes\)/);
    assert.match(control.refusal({ bytes: 1, records: 11 })!, /11 records exceeds the limit of 10 records in flight \(callRecords\)/);
  });

  it("holds a request while its table's budget is full and tells the call it waits; other tables go ahead", async () => {
    const control = new AdmissionControl(LIMITS);
    const releaseA = await control.admit(control.callBudget(), "a", { bytes: 100, records: 10 }, () => assert.fail("no wait"));
    let waited = 0;
    const second = control.admit(control.callBudget(), "a", { bytes: 100, records: 10 }, () => waited++);
    const other = await control.admit(control.callBudget(), "b", { bytes: 50, records: 5 }, () => assert.fail("table b has room"));
    assert.equal(waited, 1);
    let admitted = false;
    void second.then(() => (admitted = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(admitted, false, "still waiting for table a");
    releaseA();
    releaseA(); // idempotent
    const releaseSecond = await second;
    releaseSecond();
    other();
  });
});
