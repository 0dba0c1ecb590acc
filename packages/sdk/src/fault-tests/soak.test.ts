/**
 * The randomized soak (see `test-support/soak-runner.ts`) with a small budget, so it runs with every
 * `npm test`: a few seeds, every fault kind, real Delta table. `npm run soak` runs the large budget.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertDelivered } from "../test-support/delivery-tracker.js";
import { runSoak } from "../test-support/soak-runner.js";

const SEEDS = [1, 2, 3];

describe("soak (small budget)", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: 5,000 records, 16 faults — 0 lost, duplicates only of records in flight at a fault`, async () => {
      const result = await runSoak({ seed, records: 5_000, faults: 16 });
      const { report } = result;
      assertDelivered(report, `soak seed ${seed}`);
      assert.equal(report.lost, 0);
      assert.equal(report.records, 5_000);
      assert.equal(result.faultsInjected, 16);
      assert.ok(result.reconnectAttempts > 0, "faults led to reconnects");
      console.log(
        `soak seed ${seed}: ${result.faultsInjected} faults (${JSON.stringify(result.faultsByKind)}), ${result.proxyCuts} proxy cuts, ` +
          `${result.reconnectAttempts} reconnect attempts, ${result.recreated} recreated (${result.returnedAndResent} records resent); ` +
          `${report.records} records, ` +
          `${report.lost} lost, ${report.duplicates} duplicates; ${result.seconds.toFixed(1)} s`,
      );
    });
  }
});
