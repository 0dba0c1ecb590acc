import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordsMessage } from "./protocol.js";
import { RecordOutbox } from "./record-outbox.js";

function capture() {
  const sent: Array<{ message: RecordsMessage; transfer: ArrayBuffer[] }> = [];
  return { sent, send: (message: RecordsMessage, transfer: ArrayBuffer[]) => void sent.push({ message, transfer }) };
}

describe("RecordOutbox", () => {
  it("hands JSON entries over in groups of maxRecords", () => {
    const { sent, send } = capture();
    const outbox = new RecordOutbox(7, true, { maxRecords: 3, maxDelayMs: 1000 }, send);
    outbox.add(['{"a":1}']);
    outbox.add(['{"b":2}', '{"c":3}']); // 3 records: the group goes
    assert.equal(sent.length, 1);
    assert.deepEqual([...sent[0]!.message.counts], [1, 2]);
    assert.deepEqual(sent[0]!.message.json, ['{"a":1}', '{"b":2}', '{"c":3}']);
    assert.equal(sent[0]!.message.stream, 7);
    outbox.add(['{"d":4}']);
    assert.equal(outbox.size, 1);
    outbox.flush();
    outbox.flush(); // nothing left: no empty message
    assert.equal(sent.length, 2);
    outbox.dispose();
  });

  it("packs protobuf records into one fresh, transferred buffer, leaving the caller's buffers alone", () => {
    const { sent, send } = capture();
    const outbox = new RecordOutbox(1, false, { maxRecords: 100, maxDelayMs: 1000 }, send);
    const pooled = Buffer.from("abc"); // a view of Node's shared pool
    outbox.add([pooled]);
    outbox.add([Uint8Array.of(1, 2), Uint8Array.of()]);
    outbox.flush();
    const { message, transfer } = sent[0]!;
    assert.deepEqual([...message.bytes!], [97, 98, 99, 1, 2]);
    assert.deepEqual([...message.ends!], [3, 5, 5]);
    assert.deepEqual([...message.counts], [1, 2]);
    assert.equal(transfer.length, 3);
    assert.ok(!transfer.includes(pooled.buffer as ArrayBuffer));
    outbox.dispose();
  });

  it("sends a group once its oldest record is due, and on the next event-loop turn", async () => {
    const { sent, send } = capture();
    const outbox = new RecordOutbox(1, true, { maxRecords: 100, maxDelayMs: 0 }, send);
    outbox.add(["x"]);
    outbox.flushIfDue();
    assert.equal(sent.length, 1);
    const lazy = new RecordOutbox(2, true, { maxRecords: 100, maxDelayMs: 60_000 }, send);
    lazy.add(["y"]);
    lazy.flushIfDue();
    assert.equal(sent.length, 1, "not due yet");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sent.length, 2, "sent when the event loop turned");
  });

  it("keeps a group whose sending failed", () => {
    let fail = true;
    const sent: RecordsMessage[] = [];
    const outbox = new RecordOutbox(1, true, { maxRecords: 100, maxDelayMs: 1000 }, (m) => {
      if (fail) throw new Error("closed");
      sent.push(m);
    });
    outbox.add(["x"]);
    assert.throws(() => outbox.flush(), /closed/);
    assert.equal(outbox.size, 1);
    fail = false;
    outbox.flush();
    assert.deepEqual(sent[0]!.json, ["x"]);
    outbox.dispose();
  });
});
