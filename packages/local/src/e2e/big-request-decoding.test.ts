/**
 * Requests bigger than one decoding step, through the real service: a 300,000-record batch is decoded
 * in steps, queued column by column and committed as several files, all rows intact; a bad record deep
 * in the next batch refuses that whole batch, numbered within it, after the first one was acked; and a
 * request over a configured in-flight limit is refused with RESOURCE_EXHAUSTED naming the limit.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readTable, type LocalService } from "@zerobus-ts/local";
import { encodeCreateStream, encodeTinyBatchRequest, rawIngestCall, TINY_RECORD_COLUMNS } from "./support/big-batch-load.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.big_requests";
const RECORDS = 300_000;

describe("big requests", () => {
  let service: LocalService;
  let temp: { dir: string; remove: () => Promise<void> };
  let target: string;
  const headers = { "x-databricks-zerobus-table-name": TABLE };
  before(async () => {
    temp = await makeTempDir();
    service = await startService(temp.dir, { noAuth: true, limits: { callRecords: 400_000 } });
    await service.createTable(TABLE, TINY_RECORD_COLUMNS);
    target = service.serverEndpoint.replace(/^http:\/\//, "");
  });
  after(async () => {
    await service?.close();
    await temp?.remove();
  });

  it("a batch of 300,000 records is committed whole; a bad record 200,000 deep refuses its batch by number", async () => {
    const good = encodeTinyBatchRequest(RECORDS, 0);
    const bad = encodeTinyBatchRequest(RECORDS, 1);
    // Record 200,000's field becomes fixed32 with one byte of its four: undecodable.
    bad[bad.length - (RECORDS - 200_000) * 4 + 2] = 0x0d;
    const status = await within(60_000, rawIngestCall(target, headers, encodeCreateStream(TABLE), [good, bad]), "the call");
    assert.equal(status.code, 3, status.details);
    assert.match(status.details, /Record 200000 of the batch at offset 1 is invalid/);
    assert.equal(status.ackedUpTo, 0n, "the first batch was acked before the refusal");
    const { rows, files } = await readTable(tableDir(temp.dir, TABLE));
    assert.equal(rows.length, RECORDS);
    assert.ok(files.length >= 3, `written as several files (${files.length})`);
    let sum = 0;
    for (const row of rows) sum += row.id as number;
    assert.equal(sum, (RECORDS / 100) * 4950, "every value intact");
  });

  it("a request over an in-flight limit on its own: RESOURCE_EXHAUSTED naming the limit", async () => {
    const status = await within(30_000, rawIngestCall(target, headers, encodeCreateStream(TABLE), [encodeTinyBatchRequest(400_001)]), "the call");
    assert.equal(status.code, 8, status.details);
    assert.match(status.details, /400001 records exceeds the limit of 400000 records in flight \(callRecords\)/);
  });
});
