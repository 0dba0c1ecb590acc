/**
 * Issue 13 §1: twelve concurrent calls, each one 10 MB batch of 2.5 M tiny PROTO records, against the
 * service in a child process (so its memory is its own). Before admission control and chunked decoding
 * this peaked at 4.2–4.7 GB and stopped answering `/health`. Every call must end with a status (acked, or
 * refused clearly: RESOURCE_EXHAUSTED) within 150 s (100 s here), the service's peak RSS stays under 1.5 GB, `/health`
 * keeps answering, and every acknowledged record is in the table. (24 calls: `npm run torture`.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { countTableRows } from "@zerobus-ts/local";
import { encodeTinyBatchRequest, runBigBatchLoad, TINY_RECORD_COLUMNS } from "./support/big-batch-load.js";
import { startChildService } from "./support/child-service.js";
import { makeTempDir, tableDir } from "./support/e2e-harness.js";

const CALLS = 12;
const RECORDS = 2_500_000;
const TABLE = "main.e2e.big_batches";
const OK = 0;
const RESOURCE_EXHAUSTED = 8;

test("12 concurrent 10 MB batches of 2.5 M records: bounded memory, every call answered, acked rows in the table", { timeout: 115_000 }, async () => {
  const temp = await makeTempDir();
  const child = await startChildService(temp.dir, TABLE, TINY_RECORD_COLUMNS, 30_000, { noAuth: true });
  try {
    const result = await runBigBatchLoad({
      grpcTarget: child.info.serverEndpoint.replace(/^http:\/\//, ""),
      workspaceUrl: child.info.workspaceUrl,
      table: TABLE,
      calls: CALLS,
      batch: encodeTinyBatchRequest(RECORDS),
      pid: child.process.pid,
      // The acceptance allows 150 s; the test runner ends a file after 120 s, so calls get 100 s here.
      callDeadlineMs: 100_000,
      // A probe counts as failed after 5 s; the 1 s target is a benchmark figure (npm run torture), not a test assertion.
      healthTimeoutMs: 5_000,
    });
    assert.equal(child.process.exitCode, null, "the service is still running");
    for (const call of result.calls) {
      assert.ok(call.code === OK || call.code === RESOURCE_EXHAUSTED, `call ended with ${call.code}: ${call.details.slice(0, 200)}`);
      assert.equal(call.acked, call.code === OK, "an OK call was acked, a refused one was not");
    }
    assert.ok(result.peakRssMb === undefined || result.peakRssMb < 1536, `peak RSS ${result.peakRssMb?.toFixed(0)} MB`);
    assert.equal(result.healthFailures, 0, `/health failed ${result.healthFailures} of ${result.healthProbes} times (slowest ${result.maxHealthMs.toFixed(0)} ms)`);
    const acked = result.calls.filter((call) => call.acked).length;
    const { rows } = await countTableRows(tableDir(temp.dir, TABLE));
    assert.equal(rows, acked * RECORDS, "exactly the acknowledged batches are in the table");
  } finally {
    await child.stop();
    await temp.remove();
  }
});
