import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PendingLedger, type LedgerEntry } from "./pending-ledger.js";

const entry = (offset: number, recordCount = 1): LedgerEntry => ({ offset, payload: new Uint8Array([offset]), recordCount, bytes: 1, sizes: undefined, ack: undefined, ingestedAt: 0 });

describe("PendingLedger", () => {
  it("assigns physical offsets per request and releases entries on cumulative acks", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 5; i++) ledger.add(entry(i, i === 2 ? 10 : 1));
    assert.equal(ledger.recordCount, 14);
    assert.equal(ledger.markSent(1), 0);
    assert.equal(ledger.markSent(2), 1); // two entries in one request
    assert.equal(ledger.markSent(1), 2);
    assert.equal(ledger.unsentCount, 1);
    const released: number[] = [];
    const range = ledger.acknowledge(1, (e) => released.push(e.offset));
    assert.deepEqual(released, [0, 1, 2]);
    assert.deepEqual(range, { firstOffset: 0, lastOffset: 2, records: 12 });
    assert.equal(ledger.recordCount, 2);
    assert.equal(ledger.unackedRequests, 1);
  });

  it("ignores stale and repeated acks and rejects acks beyond what was sent", () => {
    const ledger = new PendingLedger();
    ledger.add(entry(0));
    ledger.add(entry(1));
    ledger.markSent(1);
    ledger.markSent(1);
    assert.ok(ledger.acknowledge(0, () => {}));
    assert.equal(ledger.acknowledge(0, () => {}), undefined);
    assert.equal(ledger.acknowledge(-1, () => {}), undefined);
    assert.throws(() => ledger.acknowledge(2, () => {}), RangeError);
  });

  it("rewinds for a new connection: the oldest unacknowledged entry is resent at physical 0", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 4; i++) ledger.add(entry(i));
    for (let i = 0; i < 3; i++) ledger.markSent(1);
    ledger.acknowledge(0, () => {});
    ledger.rewind();
    assert.equal(ledger.unsentCount, 3);
    assert.equal(ledger.unsent(0).offset, 1);
    assert.equal(ledger.markSent(1), 0);
    assert.deepEqual(ledger.snapshot().map((e) => e.offset), [1, 2, 3]);
  });

  it("takeAll empties it, oldest first", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 3; i++) ledger.add(entry(i));
    ledger.markSent(1);
    assert.deepEqual(ledger.takeAll().map((e) => e.offset), [0, 1, 2]);
    assert.equal(ledger.entryCount, 0);
    assert.equal(ledger.recordCount, 0);
    assert.equal(ledger.nextPhysicalOffset, 0);
  });

  it("stays correct through many entries (queue compaction)", () => {
    const ledger = new PendingLedger();
    let acked = 0;
    for (let i = 0; i < 10_000; i++) {
      ledger.add(entry(i));
      ledger.markSent(1);
      if (i % 7 === 6) ledger.acknowledge(ledger.nextPhysicalOffset - 1, (e) => assert.equal(e.offset, acked++));
    }
    ledger.acknowledge(ledger.nextPhysicalOffset - 1, (e) => assert.equal(e.offset, acked++));
    assert.equal(acked, 10_000);
  });
});
