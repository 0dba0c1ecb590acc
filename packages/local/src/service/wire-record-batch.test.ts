import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RequestType } from "./wire-types.js";
import { scanRecordBatch } from "./wire-record-batch.js";

const encode = (request: object) => Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish());
const records = (buffer: Buffer, size = 2) => {
  const scanned = scanRecordBatch(buffer);
  assert.ok(scanned?.records !== undefined, "scanned");
  return [...scanned.records.chunks(size)];
};

describe("scanRecordBatch", () => {
  it("finds the offset and hands out the records in chunks, short and long ones alike", () => {
    const long = new Uint8Array(300).fill(7);
    const buffer = encode({ ingest_record_batch: { offset_id: 42, proto_encoded_batch: { records: [new Uint8Array([8, 1]), long, new Uint8Array([])] } } });
    const scanned = scanRecordBatch(buffer)!;
    assert.equal(scanned.offsetId, 42n);
    assert.equal(scanned.records!.count, 3);
    const chunks = records(buffer);
    assert.deepEqual(chunks.map((chunk) => chunk.length), [2, 1]);
    assert.deepEqual([...(chunks[0]![1] as Uint8Array)], [...long]);
    assert.equal((chunks[1]![0] as Uint8Array).length, 0);
  });

  it("reads JSON batches as text and negative offsets as signed", () => {
    const buffer = encode({ ingest_record_batch: { offset_id: -1, json_batch: { records: ['{"a":1}', "{}"] } } });
    assert.equal(scanRecordBatch(buffer)!.offsetId, -1n);
    assert.deepEqual(records(buffer).flat(), ['{"a":1}', "{}"]);
  });

  it("leaves anything unusual to the general decoder", () => {
    assert.equal(scanRecordBatch(encode({ ingest_record: { offset_id: 0, json_record: "{}" } })), undefined);
    const batch = encode({ ingest_record_batch: { offset_id: 1, proto_encoded_batch: { records: [new Uint8Array([8, 1])] } } });
    assert.equal(scanRecordBatch(batch.subarray(0, batch.length - 1)), undefined, "truncated");
    assert.equal(scanRecordBatch(Buffer.concat([batch, Buffer.from([0x08, 0x01])])), undefined, "a field after the payload");
    const unknown = Buffer.from(batch);
    unknown[2] = 0x20; // the offset's tag becomes field 4
    assert.equal(scanRecordBatch(unknown), undefined, "an unknown field");
    const empty = scanRecordBatch(encode({ ingest_record_batch: { offset_id: 3 } }))!;
    assert.equal(empty.records, undefined, "no batch at all");
  });
});
