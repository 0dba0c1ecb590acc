/**
 * An Arrow stream of 1,000,000 rows into the local service through a TCP proxy that cuts the connection
 * again and again (mid-frame on the way up, mid-ack on the way down; at least 20 cuts). The stream must
 * reconnect, resend what was not acknowledged (resuming partly acknowledged batches) and lose nothing: read
 * back from the Delta table, every row is present, and only rows of batches in flight at a cut may appear twice.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ZerobusSdk } from "../sdk.js";
import { StreamState } from "../stream-state.js";
import { within } from "../test-support/fixtures.js";
import { startFaultProxy, type FaultProxy } from "../test-support/fault-proxy.js";
import { FAULT_TABLE, startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { NUMBERED_FIELDS, numberedBatch } from "../test-support/arrow-fixtures.js";

const ROWS = 1_000_000;
const BATCH_ROWS = 10_000;
const MIN_CUTS = 20;
/** Bytes between cuts, each way: a few batches' worth up, a few dozen acks down. */
const UP_CUT_BYTES = 120_000;
const DOWN_CUT_BYTES = 200;

let local: LocalZerobus;
let proxy: FaultProxy;
before(async () => {
  local = await startLocalZerobus();
  proxy = await startFaultProxy(Number(new URL(local.service.serverEndpoint).port));
});
after(async () => {
  await proxy.close();
  await local.close();
});

describe("Arrow stream through connection cuts (TCP proxy, local service, Delta read-back)", () => {
  it(`loses no acknowledged row over ${ROWS.toLocaleString("en-US")} rows and at least ${MIN_CUTS} cuts`, async () => {
    const sdk = new ZerobusSdk(proxy.endpoint, local.service.workspaceUrl);
    const headers = (): Array<[string, string]> => [
      ["authorization", `Bearer ${local.service.issueToken({ scopes: [FAULT_TABLE] })}`],
      ["x-databricks-zerobus-table-name", FAULT_TABLE],
    ];
    const options = { recoveryBackoffMs: 20, recoveryTimeoutMs: 3_000, recoveryRetries: 10, flushTimeoutMs: 30_000, maxInflightBatches: 6 };
    const stream = await sdk.createArrowStream({ tableName: FAULT_TABLE, schemaFields: NUMBERED_FIELDS }, "", "", options, headers);

    const acked: boolean[] = [];
    const inFlightAtCut = new Set<number>();
    proxy.onCut = () => acked.forEach((done, batch) => done || inFlightAtCut.add(batch));
    let batches = 0;
    // Bounded: enough batches for the rows, and more (up to twice as many) only if the cuts have not all happened yet.
    while ((batches * BATCH_ROWS < ROWS || proxy.stats.cuts < MIN_CUTS) && batches < (2 * ROWS) / BATCH_ROWS) {
      if (!proxy.byteCutArmed) proxy.cutAfterBytes(proxy.stats.cuts % 2 === 0 ? "upstream" : "downstream", proxy.stats.cuts % 2 === 0 ? UP_CUT_BYTES : DOWN_CUT_BYTES);
      const batch = batches++;
      acked[batch] = false;
      const offset = await stream.ingestBatch(numberedBatch(batch * BATCH_ROWS, BATCH_ROWS, 4));
      stream.waitForOffset(offset).then(() => (acked[batch] = true), () => {});
    }
    await within(stream.close(), 60_000, "close");
    assert.equal(stream.getState(), StreamState.CLOSED);
    sdk.close();
    assert.ok(proxy.stats.cuts >= MIN_CUTS, `${proxy.stats.cuts} cuts`);

    const counts = await local.rowCounts();
    const rows = batches * BATCH_ROWS;
    let duplicates = 0;
    for (let id = 0; id < rows; id++) {
      const copies = counts.get(id) ?? 0;
      if (copies === 0) assert.fail(`row ${id} (batch ${Math.floor(id / BATCH_ROWS)}) is missing`);
      if (copies > 1) {
        duplicates += copies - 1;
        if (!inFlightAtCut.has(Math.floor(id / BATCH_ROWS))) assert.fail(`row ${id} stored ${copies} times but was never in flight at a cut`);
      }
    }
    assert.equal(counts.size, rows, "no row the stream never sent");
    assert.ok(rows >= ROWS);
    console.log(`# ${rows} rows, ${proxy.stats.cuts} cuts, ${proxy.stats.connections} connections, ${duplicates} duplicate rows`);
  });
});
