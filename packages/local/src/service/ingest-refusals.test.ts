import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status, type StatusObject } from "@grpc/grpc-js";
import descriptorProto from "protobufjs/ext/descriptor.js";
import { RequestType } from "./wire-types.js";
import { startTestService, tokenFor, type TestService } from "./test-support/service-fixture.js";
import { within, type RawStream } from "./test-support/raw-zerobus-client.js";
import { decodeStatusDetails } from "./test-support/decode-rpc-status.js";

const TABLE = "main.default.orders";
const OTHER = "main.default.other";
const descriptor = (fields: object[], nested: object[] = []) =>
  descriptorProto.DescriptorProto.encode(descriptorProto.DescriptorProto.fromObject({ name: "Order", field: fields, nestedType: nested })).finish();
const GOOD_FIELDS = [
  { name: "id", number: 1, label: 2, type: 3 },
  { name: "qty", number: 2, label: 1, type: 5 },
];

describe("EphemeralStream refusals", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, "id BIGINT NOT NULL, qty TINYINT");
    await t.service.createTable(OTHER, "id BIGINT");
    token = await tokenFor(t.service, TABLE);
  });
  after(() => t.close());

  /** Sends `requests` on a fresh call and returns the status the call ends with. */
  async function statusAfter(requests: Array<object | Buffer>, headers: { token?: string; table?: string } = { token, table: TABLE }): Promise<StatusObject> {
    const stream: RawStream = t.client.open(headers);
    for (const r of requests) stream.send(r);
    return within(5000, stream.status, "the call's status");
  }
  const createJson = (table = TABLE) => ({ create_stream: { table_name: table, record_type: 2 } });
  const json = (offset: number, record: string) => ({ ingest_record: { offset_id: offset, json_record: record } });
  const expectStatus = (s: StatusObject, code: status, pattern: RegExp) => {
    assert.equal(s.code, code, s.details);
    assert.match(s.details, pattern);
    assert.match(s.details, /\. Error Code: \d+, Error State: 0\.$/);
  };

  it("UNAUTHENTICATED without a token, with a forged one, or an expired one", async () => {
    expectStatus(await statusAfter([createJson()], { table: TABLE }), status.UNAUTHENTICATED, /Missing bearer token/);
    expectStatus(await statusAfter([createJson()], { token: token.slice(0, -4) + "AAAA", table: TABLE }), status.UNAUTHENTICATED, /signature/);
    const expired = t.service.issueToken({ scopes: [TABLE], ttlSeconds: -1 });
    expectStatus(await statusAfter([createJson()], { token: expired, table: TABLE }), status.UNAUTHENTICATED, /expired/);
  });

  it("PERMISSION_DENIED for a token granting another table (4024)", async () => {
    expectStatus(await statusAfter([createJson(OTHER)], { token, table: OTHER }), status.PERMISSION_DENIED, /does not grant MODIFY on table 'main.default.other'.*Error Code: 4024/);
  });

  it("INVALID_ARGUMENT when the header table and create_stream disagree", async () => {
    expectStatus(await statusAfter([createJson(OTHER)]), status.INVALID_ARGUMENT, /does not match the x-databricks-zerobus-table-name header/);
  });

  it("NOT_FOUND for an unknown table", async () => {
    const missing = "main.default.missing";
    const s = await statusAfter([createJson(missing)], { token: await tokenFor(t.service, missing), table: missing });
    expectStatus(s, status.NOT_FOUND, /Table 'main.default.missing' does not exist/);
  });

  it("refuses path-traversal table names", async () => {
    expectStatus(await statusAfter([createJson("../x")], { token, table: "../x" }), status.INVALID_ARGUMENT, /Invalid table name '..\/x'/);
    expectStatus(await statusAfter([createJson("a.b/c.d")], { token, table: "a.b/c.d" }), status.INVALID_ARGUMENT, /Invalid table name 'a.b\/c.d'/);
  });

  it("INVALID_ARGUMENT for requests before create_stream and for record_type 0", async () => {
    expectStatus(await statusAfter([json(0, "{}")]), status.INVALID_ARGUMENT, /First message must be CreateStream/);
    expectStatus(await statusAfter([{ create_stream: { table_name: TABLE, record_type: 0 } }]), status.INVALID_ARGUMENT, /Record type is not specified/);
  });

  it("INVALID_ARGUMENT for descriptors that are not self-contained (4033) or do not match (naming the column)", async () => {
    const foreign = descriptor([...GOOD_FIELDS, { name: "meta", number: 3, label: 1, type: 11, typeName: ".google.protobuf.StringValue" }]);
    expectStatus(
      await statusAfter([{ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: foreign } }]),
      status.INVALID_ARGUMENT,
      /^Proto not self-contained for field meta with type name \.google\.protobuf\.StringValue\. Error Code: 4033, Error State: 0\.$/,
    );
    const wrongType = descriptor([GOOD_FIELDS[0] as object, { name: "qty", number: 2, label: 1, type: 9 }]);
    const typeRefusal = await statusAfter([{ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: wrongType } }]);
    expectStatus(typeRefusal, status.INVALID_ARGUMENT, /column 'qty'.*Error Code: 4034/);
    const missingColumn = descriptor([GOOD_FIELDS[0] as object]);
    const missingRefusal = await statusAfter([{ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: missingColumn } }]);
    expectStatus(missingRefusal, status.INVALID_ARGUMENT, /column 'qty' has no field/);
    // Both also carry the schema ErrorInfo the SDKs turn into typed errors (the message stays the same).
    const typeDetails = decodeStatusDetails(typeRefusal.metadata);
    assert.deepEqual(typeDetails?.errorInfo, { reason: "SCHEMA_VALIDATION_FAILED", domain: "zerobus.databricks.com", metadata: { causes: "TYPE_INCOMPATIBLE", error_code: "8001" } });
    assert.equal(typeDetails?.message, typeRefusal.details);
    assert.equal(decodeStatusDetails(missingRefusal.metadata)?.errorInfo.metadata.causes, "FIELD_COUNT_MISMATCH");
    const extraField = descriptor([...GOOD_FIELDS, { name: "note", number: 3, label: 1, type: 9 }]);
    const extraRefusal = await statusAfter([{ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: extraField } }]);
    assert.equal(decodeStatusDetails(extraRefusal.metadata)?.errorInfo.metadata.causes, "FIELD_NOT_IN_TABLE");
  });

  it("INVALID_ARGUMENT for undecodable records, values not fitting, and missing non-nullable columns", async () => {
    const proto = { create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: descriptor(GOOD_FIELDS) } };
    expectStatus(await statusAfter([proto, { ingest_record: { offset_id: 0, proto_encoded_record: Buffer.from([0x08, 0xff]) } }]), status.INVALID_ARGUMENT, /Record at offset 0 is invalid/);
    expectStatus(await statusAfter([createJson(), json(0, '{"id": 1, "qty": 300}')]), status.INVALID_ARGUMENT, /column 'qty'.*300 does not fit byte/);
    expectStatus(await statusAfter([createJson(), json(0, '{"id": "abc"}')]), status.INVALID_ARGUMENT, /column 'id'/);
    expectStatus(
      await statusAfter([createJson(), { ingest_record_batch: { offset_id: 0, json_batch: { records: ['{"id": 1}', '{"qty": 1}'] } } }]),
      status.INVALID_ARGUMENT,
      /Record 1 of the batch at offset 0 .*column 'id'.*not nullable/,
    );
    expectStatus(await statusAfter([createJson(), json(0, "not json")]), status.INVALID_ARGUMENT, /not valid JSON/);
  });

  it("OUT_OF_RANGE for an offset gap", async () => {
    expectStatus(await statusAfter([createJson(), json(0, '{"id": 1}'), json(2, '{"id": 2}')]), status.OUT_OF_RANGE, /Expected offset_id 1 but got 2/);
  });

  it("INVALID_ARGUMENT for a message over 10 MiB", async () => {
    const big = Buffer.from(RequestType.encode(RequestType.fromObject(json(0, `{"id": 1, "pad": "${"x".repeat(10 * 1024 * 1024)}"}`))).finish());
    expectStatus(await statusAfter([createJson(), big]), status.INVALID_ARGUMENT, /exceeds the maximum message size of 10485760 bytes/);
  });
});
