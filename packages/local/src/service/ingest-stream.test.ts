import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import descriptorProto from "protobufjs/ext/descriptor.js";
import { readTable } from "../delta/index.js";
import { startTestService, tokenFor, type TestService } from "./test-support/service-fixture.js";
import { within } from "./test-support/raw-zerobus-client.js";

const TABLE = "main.default.events";
const DESCRIPTOR = descriptorProto.DescriptorProto.encode(
  descriptorProto.DescriptorProto.fromObject({
    name: "Event",
    field: [
      { name: "id", number: 1, label: 2, type: 3 },
      { name: "name", number: 2, label: 1, type: 9 },
    ],
  }),
).finish();
const Event = protobuf.parse('syntax = "proto2"; message Event { required int64 id = 1; optional string name = 2; }').root.lookupType("Event");
const encodeEvent = (id: string, name?: string) => Event.encode(Event.fromObject({ id, ...(name ? { name } : {}) })).finish();

describe("EphemeralStream: handshake, ingest and acks", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, "id BIGINT NOT NULL, name STRING");
    token = await tokenFor(t.service, TABLE);
  });
  after(() => t.close());

  it("answers create_stream with a stream id, acks JSON records only once they are in the table", async () => {
    const stream = t.client.open({ token, table: TABLE });
    stream.send({ create_stream: { table_name: TABLE, record_type: 2 } });
    const created = await within(5000, stream.next(), "create_stream_response");
    assert.match(String(created.create_stream_response?.stream_id), /^[0-9a-f-]{36}$/);

    stream.send({ ingest_record: { offset_id: 0, json_record: '{"id": 9007199254740993, "name": "first"}' } });
    stream.send({ ingest_record_batch: { offset_id: 1, json_batch: { records: ['{"id": 2}', '{"id": 3, "name": "third"}'] } } });
    let acked = -1n;
    while (acked < 1n) {
      const response = await within(5000, stream.next(), "ack");
      acked = BigInt(String(response.ingest_record_response?.durability_ack_up_to_offset));
      // Every ack covers rows that are already readable from the Delta table.
      const { rows } = await readTable(t.service.dataDir + "/main/default/events");
      assert.ok(rows.length >= (acked >= 1n ? 3 : 1));
    }
    stream.end();
    assert.equal((await within(5000, stream.status)).code, status.OK);
    const { rows } = await readTable(`${t.service.dataDir}/main/default/events`);
    assert.deepEqual(
      rows.map((r) => [r.id, r.name]).sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint))),
      [[2n, null], [3n, "third"], [9007199254740993n, "first"]],
    );
  });

  it("ingests PROTO records with a descriptor, single and batch", async () => {
    const stream = t.client.open({ token, table: TABLE });
    stream.send({ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: DESCRIPTOR } });
    await within(5000, stream.next());
    stream.send({ ingest_record: { offset_id: 0, proto_encoded_record: encodeEvent("100", "p") } });
    stream.send({ ingest_record_batch: { offset_id: 1, proto_encoded_batch: { records: [encodeEvent("101"), encodeEvent("102", "q")] } } });
    stream.end();
    const acks: bigint[] = [];
    for (;;) {
      const next = await within(5000, stream.next().catch(() => undefined));
      if (next === undefined) break;
      acks.push(BigInt(String(next.ingest_record_response?.durability_ack_up_to_offset)));
    }
    assert.equal(acks.at(-1), 1n);
    assert.deepEqual([...acks].sort(), acks, "acks never decrease");
    assert.equal((await stream.status).code, status.OK);
    const { rows } = await readTable(`${t.service.dataDir}/main/default/events`);
    assert.ok(rows.some((r) => r.id === 102n && r.name === "q"));
  });

  it("treats an absent record_type as PROTO", async () => {
    const stream = t.client.open({ token, table: TABLE });
    stream.send({ create_stream: { table_name: TABLE, descriptor_proto: DESCRIPTOR } });
    assert.ok((await within(5000, stream.next())).create_stream_response);
    stream.end();
    assert.equal((await within(5000, stream.status)).code, status.OK);
  });
});
