import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PendingLedger } from "./pending-ledger.js";

/** Adds an entry whose payload and ingest time are its offset, so the visitor can tell entries apart. */
const add = (ledger: PendingLedger, offset: number, recordCount = 1): number => ledger.add(new Uint8Array([offset]), recordCount, 1, undefined, offset);

describe("PendingLedger", () => {
  it("assigns physical offsets per request and releases entries on cumulative acks", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 5; i++) assert.equal(add(ledger, i, i === 2 ? 10 : 1), i);
    assert.equal(ledger.recordCount, 14);
    assert.equal(ledger.markSent(1), 0);
    assert.equal(ledger.markSent(2), 1); // two entries in one request
    assert.equal(ledger.markSent(1), 2);
    assert.equal(ledger.unsentCount, 1);
    const released: number[] = [];
    const range = ledger.acknowledge(1, (_payload, _ack, _records, _bytes, ingestedAt) => released.push(ingestedAt));
    assert.deepEqual(released, [0, 1, 2]);
    assert.deepEqual(range, { firstOffset: 0, lastOffset: 2, records: 12, bytes: 3 });
    assert.equal(ledger.recordCount, 2);
    assert.equal(ledger.unackedRequests, 1);
  });

  it("sends an entry as several requests: only the last completes it; acked parts stay durable across a rewind", () => {
    const ledger = new PendingLedger();
    add(ledger, 0, 30);
    add(ledger, 1, 5);
    for (const completes of [0, 0, 1, 1]) ledger.markSent(completes); // entry 0 in three parts, entry 1 in one
    assert.equal(ledger.acknowledge(1, () => {}), undefined); // two parts of entry 0: nothing released yet
    assert.equal(ledger.durableRequestsOfOldest, 2);
    ledger.rewind();
    assert.equal(ledger.durableRequestsOfOldest, 2); // the new connection resumes entry 0 at its third part
    ledger.markSent(1);
    ledger.markSent(1);
    const range = ledger.acknowledge(1, () => {});
    assert.deepEqual(range, { firstOffset: 0, lastOffset: 1, records: 35, bytes: 2 });
    assert.equal(ledger.durableRequestsOfOldest, 0);
  });

  it("ignores stale and repeated acks and rejects acks beyond what was sent", () => {
    const ledger = new PendingLedger();
    add(ledger, 0);
    add(ledger, 1);
    ledger.markSent(1);
    ledger.markSent(1);
    assert.ok(ledger.acknowledge(0, () => {}));
    assert.equal(ledger.acknowledge(0, () => {}), undefined);
    assert.equal(ledger.acknowledge(-1, () => {}), undefined);
    assert.throws(() => ledger.acknowledge(2, () => {}), RangeError);
  });

  it("rewinds for a new connection: the oldest unacknowledged entry is resent at physical 0", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 4; i++) add(ledger, i);
    for (let i = 0; i < 3; i++) ledger.markSent(1);
    ledger.acknowledge(0, () => {});
    ledger.rewind();
    assert.equal(ledger.unsentCount, 3);
    assert.deepEqual(ledger.unsentPayload(0), new Uint8Array([1]));
    assert.equal(ledger.markSent(1), 0);
    assert.deepEqual(ledger.snapshot().map((e) => e.offset), [1, 2, 3]);
  });

  it("takeAll empties it, oldest first", () => {
    const ledger = new PendingLedger();
    for (let i = 0; i < 3; i++) add(ledger, i);
    ledger.markSent(1);
    assert.deepEqual(ledger.takeAll().map((e) => e.offset), [0, 1, 2]);
    assert.equal(ledger.entryCount, 0);
    assert.equal(ledger.recordCount, 0);
    assert.equal(ledger.nextPhysicalOffset, 0);
    assert.equal(ledger.nextOffset, 3, "offsets are never reused");
  });

  it("stays correct through many entries (queue compaction)", () => {
    const ledger = new PendingLedger();
    let acked = 0;
    for (let i = 0; i < 10_000; i++) {
      add(ledger, i);
      ledger.markSent(1);
      if (i % 7 === 6) ledger.acknowledge(ledger.nextPhysicalOffset - 1, (_payload, _ack, _records, _bytes, at) => assert.equal(at, acked++));
    }
    ledger.acknowledge(ledger.nextPhysicalOffset - 1, (_payload, _ack, _records, _bytes, at) => assert.equal(at, acked++));
    assert.equal(acked, 10_000);
  });

  it("keeps order and references across ring growth and wrap-around, and lets go of released payloads", () => {
    const ledger = new PendingLedger();
    let next = 0;
    let acked = 0;
    // Hold between 1 and ~3,000 entries so the ring both wraps and doubles several times.
    for (let round = 0; round < 20; round++) {
      const adds = 1 + ((round * 977) % 3_000);
      for (let i = 0; i < adds; i++) add(ledger, next++);
      ledger.markSent(ledger.unsentCount);
      const upTo = ledger.nextPhysicalOffset - 1;
      const keep = round % 3 === 0 ? 0 : 1; // sometimes leave the newest request unacknowledged
      if (ledger.unackedRequests > keep) {
        ledger.acknowledge(upTo - keep, (_payload, _ack, _records, _bytes, at) => assert.equal(at, acked++));
      }
      assert.equal(ledger.entryCount, next - acked);
      assert.deepEqual(ledger.snapshot().map((e) => e.offset), Array.from({ length: next - acked }, (_, i) => acked + i));
    }
    const all = ledger.takeAll();
    assert.deepEqual(all.map((e) => e.ingestedAt), all.map((e) => e.offset));
    assert.equal(ledger.entryCount, 0);
  });
});
