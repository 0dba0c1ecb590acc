import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeFlightData, encodePutResult, FlightDataError } from "./flight-wire.js";
import { encodeFlightData } from "./test-support/raw-flight-client.js";
import { parseOffsetId, putResultFor, READY_ACK } from "./flight-acks.js";

describe("FlightData and PutResult codec", () => {
  it("decodes header, metadata and body as views, skipping a descriptor and unknown fields", () => {
    const body = Buffer.alloc(300, 7);
    const encoded = Buffer.concat([
      Buffer.from([0x0a, 0x02, 0x08, 0x01]), // flight_descriptor { type: PATH }
      Buffer.from([0x20, 0x05]), // unknown varint field 4
      encodeFlightData({ dataHeader: Buffer.from("head"), appMetadata: '{"offset_id":3}', dataBody: body }),
    ]);
    const frame = decodeFlightData(encoded);
    assert.equal(frame.hasDescriptor, true);
    assert.equal(Buffer.from(frame.dataHeader).toString(), "head");
    assert.equal(parseOffsetId(frame.appMetadata), 3n);
    assert.equal(frame.dataBody.length, 300);
    assert.equal(frame.dataBody.buffer, encoded.buffer, "the body is not copied");
  });

  it("refuses truncated fields, wrong wire types and field 0", () => {
    assert.throws(() => decodeFlightData(Buffer.from([0x12, 0x10, 0x01])), FlightDataError);
    assert.throws(() => decodeFlightData(Buffer.from([0x10, 0x01])), /wire type 0/);
    assert.throws(() => decodeFlightData(Buffer.from([0x00, 0x01])), /field number 0/);
    assert.throws(() => decodeFlightData(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), /varint/);
  });

  it("writes the ready signal and acks as the official mock does, and reads offset_id strictly", () => {
    assert.deepEqual(putResultFor(READY_ACK), encodePutResult(Buffer.from('{"ack_up_to_offset":-1,"ack_up_to_records":0}')));
    assert.equal(putResultFor({ offset: 4n, records: 250_000 }, 1500).subarray(2).toString(), '{"ack_up_to_offset":4,"ack_up_to_records":250000,"close_stream_duration_ms":1500}');
    const long = encodePutResult(Buffer.alloc(200, 0x20));
    assert.deepEqual([...long.subarray(0, 3)], [0x0a, 0xc8, 0x01]);
    for (const bad of ["", "{}", '{"offset_id":-1}', '{"offset_id":1.5}', '{"offset_id":"2"}', "[", "null"]) {
      assert.equal(parseOffsetId(Buffer.from(bad)), undefined, bad);
    }
  });
});
