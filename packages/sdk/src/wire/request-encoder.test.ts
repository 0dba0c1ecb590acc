import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRequest, wire } from "../test-support/wire-schema.js";
import {
  WIRE_RECORD_TYPE,
  encodeBatchBody,
  encodeBatchRequest,
  encodeCreateStreamRequest,
  encodeFramedBatchRequest,
  encodeRecordRequest,
  measureWireRecords,
  prepareBatch,
  SIZE_IS_LENGTH,
} from "./request-encoder.js";
import { FramedBatch } from "./framed-batch.js";
import { decodeStreamResponse } from "./response-decoder.js";

describe("request encoder, checked against the .proto schema", () => {
  it("encodes create_stream with table, descriptor and record type", () => {
    const descriptor = Buffer.from([0x0a, 0x03, 0x41, 0x42, 0x43]);
    const decoded = decodeRequest(encodeCreateStreamRequest({ tableName: "main.default.t", recordType: WIRE_RECORD_TYPE.PROTO, descriptorProto: descriptor }));
    assert.equal(decoded.createStream?.tableName, "main.default.t");
    assert.deepEqual(decoded.createStream?.descriptorProto, descriptor);
    assert.equal(decoded.createStream?.recordType, 1);
  });

  it("omits the descriptor for JSON streams", () => {
    const decoded = decodeRequest(encodeCreateStreamRequest({ tableName: "a.b.c", recordType: WIRE_RECORD_TYPE.JSON }));
    assert.equal(decoded.createStream?.recordType, 2);
    assert.equal(decoded.createStream?.descriptorProto, undefined);
  });

  it("encodes single records with their offset, proto as bytes and JSON as string", () => {
    const proto = decodeRequest(encodeRecordRequest(5, WIRE_RECORD_TYPE.PROTO, Buffer.from([1, 2, 3])));
    assert.equal(proto.ingestRecord?.offsetId, 5n);
    assert.deepEqual(proto.ingestRecord?.protoEncodedRecord, Buffer.from([1, 2, 3]));
    const json = decodeRequest(encodeRecordRequest(300, WIRE_RECORD_TYPE.JSON, Buffer.from('{"a":"é"}')));
    assert.equal(json.ingestRecord?.offsetId, 300n);
    assert.equal(json.ingestRecord?.jsonRecord, '{"a":"é"}');
  });

  it("encodes batches (including empty records and large offsets)", () => {
    const records = [Buffer.from("x"), Buffer.alloc(0), Buffer.alloc(200, 7)];
    const proto = decodeRequest(encodeBatchRequest(2 ** 40, WIRE_RECORD_TYPE.PROTO, records));
    assert.equal(proto.ingestRecordBatch?.offsetId, 2n ** 40n);
    assert.deepEqual(proto.ingestRecordBatch?.protoEncodedBatch?.records, records);
    const json = decodeRequest(encodeBatchRequest(0, WIRE_RECORD_TYPE.JSON, [Buffer.from("{}"), Buffer.from('{"b":1}')]));
    assert.deepEqual(json.ingestRecordBatch?.jsonBatch?.records, ["{}", '{"b":1}']);
  });

  it("encodes a sub-range of a batch", () => {
    const records = ["a", "b", "c", "d"].map((s) => Buffer.from(s));
    const decoded = decodeRequest(encodeBatchRequest(1, WIRE_RECORD_TYPE.PROTO, records, 1, 3));
    assert.deepEqual(decoded.ingestRecordBatch?.protoEncodedBatch?.records, [Buffer.from("b"), Buffer.from("c")]);
  });
});

describe("JSON batches", () => {
  // Lengths around every varint boundary of the length prefix (1, 2 and 3 bytes).
  const ascii = [0, 1, 127, 128, 129, 16_383, 16_384, 20_000].map((n) => "x".repeat(n));

  it("writes ASCII records in one piece, exactly as record-by-record encoding would", () => {
    const { sizes, bytes } = measureWireRecords(ascii);
    assert.equal(sizes, SIZE_IS_LENGTH, "ASCII text needs no size array");
    assert.equal(bytes, ascii.reduce((a, r) => a + r.length, 0));
    const fast = encodeBatchRequest(7, WIRE_RECORD_TYPE.JSON, ascii, 0, ascii.length, sizes);
    const slow = encodeBatchRequest(7, WIRE_RECORD_TYPE.JSON, ascii.map((r) => Buffer.from(r)));
    assert.deepEqual(fast, slow);
    assert.deepEqual(decodeRequest(fast).ingestRecordBatch?.jsonBatch?.records, ascii);
  });

  it("measures and writes non-ASCII text as UTF-8 (accents, emoji, lone surrogates)", () => {
    const records = ['{"a":"é"}', '{"b":"😀"}', "plain", '{"c":"\ud800"}', "日本語", "\u00ff\u0080"];
    const { sizes, bytes } = measureWireRecords(records);
    assert.deepEqual(sizes, records.map((r) => Buffer.byteLength(r)));
    assert.equal(bytes, Buffer.byteLength(records.join("")));
    const decoded = decodeRequest(encodeBatchRequest(1, WIRE_RECORD_TYPE.JSON, records, 0, records.length, sizes));
    // A lone surrogate has no UTF-8 form: it goes out as U+FFFD, as Buffer.from writes it.
    assert.deepEqual(decoded.ingestRecordBatch?.jsonBatch?.records, records.map((r) => Buffer.from(r).toString()));
  });

  it("measures bytes without a size array, and encodes them the same with or without one", () => {
    const records = [Buffer.from("a"), new Uint8Array(300), Buffer.alloc(0)];
    assert.deepEqual(measureWireRecords(records), { sizes: SIZE_IS_LENGTH, bytes: 301 });
    assert.deepEqual(encodeBatchRequest(3, WIRE_RECORD_TYPE.PROTO, records, 0, 3, SIZE_IS_LENGTH), encodeBatchRequest(3, WIRE_RECORD_TYPE.PROTO, records, 0, 3, [1, 300, 0]));
  });

  it("writes a sub-range, and Latin-1 characters (one byte in a JS string, two in UTF-8) as UTF-8", () => {
    const records = ["ab", "\u00e9\u00ff", "cd", "ef"];
    const { sizes } = measureWireRecords(records);
    const decoded = decodeRequest(encodeBatchRequest(0, WIRE_RECORD_TYPE.JSON, records, 1, 3, sizes));
    assert.deepEqual(decoded.ingestRecordBatch?.jsonBatch?.records, ["\u00e9\u00ff", "cd"]);
    const asciiOnly = decodeRequest(encodeBatchRequest(0, WIRE_RECORD_TYPE.JSON, records, 2, 4, sizes));
    assert.deepEqual(asciiOnly.ingestRecordBatch?.jsonBatch?.records, ["cd", "ef"]);
  });
});

describe("batches framed at ingest", () => {
  const cases = {
    "ASCII JSON": { type: WIRE_RECORD_TYPE.JSON, records: ["{}", '{"a":1}', "x".repeat(300)] },
    "non-ASCII JSON": { type: WIRE_RECORD_TYPE.JSON, records: ['{"a":"é"}', '{"b":"日本"}', "plain"] },
    "protobuf bytes": { type: WIRE_RECORD_TYPE.PROTO, records: [Buffer.from([1, 2]), Buffer.alloc(0), Buffer.alloc(200, 9)] },
  };
  for (const [name, { type, records }] of Object.entries(cases)) {
    it(`${name}: the same bytes as encoding at send time, at any offset, sent again and again`, () => {
      const { sizes } = measureWireRecords(records);
      const batch = encodeBatchBody(records, sizes);
      assert.equal(batch.recordCount, records.length);
      // Offsets whose varints take 1, 2 and 6 bytes, then a small one again: the envelope shrinks and grows.
      for (const offset of [0, 127, 128, 2 ** 40, 5]) {
        assert.deepEqual(encodeFramedBatchRequest(offset, type, batch), encodeBatchRequest(offset, type, records, 0, records.length, sizes));
      }
      assert.deepEqual(batch.records(), records.map((r) => Buffer.from(r)));
    });
  }

  it("prepares batches: ASCII text framed in one pass, non-ASCII text and bytes measured first, one record kept as is", () => {
    for (const { type, records } of Object.values(cases)) {
      const { payload, bytes } = prepareBatch(records);
      assert.equal(bytes, records.reduce((sum, r) => sum + Buffer.byteLength(r), 0));
      assert.ok(payload instanceof FramedBatch);
      assert.deepEqual(encodeFramedBatchRequest(9, type, payload), encodeBatchRequest(9, type, records));
    }
    assert.deepEqual(prepareBatch(['{"é":1}']), { payload: ['{"é":1}'], bytes: 8 });
  });

  it("falls back to UTF-8 when a non-ASCII record comes after several chunks of ASCII text", () => {
    const records = Array.from({ length: 1_000 }, (_, i) => `{"device":"sensor-${i}","temp":${i % 40}}`);
    records.push('{"device":"capteur-é"}');
    const { payload, bytes } = prepareBatch(records);
    assert.equal(bytes, Buffer.byteLength(records.join("")));
    assert.deepEqual(encodeFramedBatchRequest(1, WIRE_RECORD_TYPE.JSON, payload as FramedBatch), encodeBatchRequest(1, WIRE_RECORD_TYPE.JSON, records.map((r) => Buffer.from(r))));
  });

  it("hands back copies of the records, not views of memory that is reused after the ack", () => {
    const batch = encodeBatchBody(["abc", "def"], SIZE_IS_LENGTH);
    const copies = batch.records();
    batch.memory.fill(0);
    assert.deepEqual(copies.map(String), ["abc", "def"]);
  });
});

describe("response decoder", () => {
  const encode = (obj: Record<string, unknown>) => wire.response.encode(wire.response.fromObject(obj)).finish();

  it("decodes create, ack and close-signal responses", () => {
    assert.deepEqual(decodeStreamResponse(encode({ createStreamResponse: { streamId: "abc" } })), { kind: "createStream", streamId: "abc" });
    assert.deepEqual(decodeStreamResponse(encode({ ingestRecordResponse: { durabilityAckUpToOffset: "9007199254740993" } })), {
      kind: "ack",
      ackUpToOffset: 9007199254740993n,
    });
    assert.deepEqual(decodeStreamResponse(encode({ closeStreamSignal: { duration: { seconds: 2, nanos: 500_000_000 } } })), {
      kind: "closeSignal",
      durationMs: 2500,
    });
  });

  it("reports missing fields and garbage instead of throwing", () => {
    assert.deepEqual(decodeStreamResponse(encode({ ingestRecordResponse: {} })), { kind: "ack", ackUpToOffset: undefined });
    assert.deepEqual(decodeStreamResponse(encode({ createStreamResponse: {} })), { kind: "createStream", streamId: undefined });
    assert.equal(decodeStreamResponse(new Uint8Array(0)).kind, "invalid");
    assert.equal(decodeStreamResponse(Uint8Array.from([0x12, 0x05, 0x08])).kind, "invalid");
    assert.equal(decodeStreamResponse(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).kind, "invalid");
  });

  it("decodes a negative ack offset", () => {
    assert.deepEqual(decodeStreamResponse(encode({ ingestRecordResponse: { durabilityAckUpToOffset: "-1" } })), { kind: "ack", ackUpToOffset: -1n });
  });
});
