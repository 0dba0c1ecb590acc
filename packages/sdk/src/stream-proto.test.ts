import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor/index.js";
import { loadDescriptorProto } from "./descriptor/load-descriptor-proto.js";
import { NonRetriableException } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE, staticHeaders } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer } from "./test-support/scripted-server.js";

const SCHEMA = `
syntax = "proto2";
package telemetry;
message AirQuality {
  optional string device_name = 1;
  optional int32 temp = 2;
  optional int64 humidity = 3;
  optional Location location = 4;
}
message Location { optional double lat = 1; optional double lng = 2; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const AirQuality = root.lookupType("telemetry.AirQuality");
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((c) => c())));

async function protoStream(tableProperties: unknown) {
  const server = await startScriptedServer((call) => autoAck(call));
  closers.push(() => server.close());
  const sdk = new ZerobusSdk(server.endpoint, "");
  const stream = await sdk.createStream(tableProperties as TableProperties, "", "", { ...FAST, recordType: RecordType.PROTO }, staticHeaders());
  return { server, stream };
}

/** Every record the server got, decoded with the schema. */
function receivedRows(server: Awaited<ReturnType<typeof protoStream>>["server"]) {
  return server.calls[0]!.received.flatMap((r) => {
    const records = r.ingestRecord?.protoEncodedRecord ? [r.ingestRecord.protoEncodedRecord] : (r.ingestRecordBatch?.protoEncodedBatch?.records ?? []);
    return records.map((b) => AirQuality.toObject(AirQuality.decode(b), { longs: String }));
  });
}

describe("PROTO streams", () => {
  it("sends a self-contained descriptor and accepts messages, plain objects and bytes", async () => {
    const { server, stream } = await protoStream(new TableProperties(TABLE, AirQuality));
    const create = server.calls[0]!.received[0]!.createStream!;
    assert.equal(create.recordType, 1);
    const descriptor = (descriptorExt as unknown as { DescriptorProto: protobuf.Type }).DescriptorProto.decode(create.descriptorProto!) as unknown as {
      name: string;
      nestedType: Array<{ name: string }>;
    };
    assert.equal(descriptor.name, "AirQuality");
    assert.deepEqual(descriptor.nestedType.map((n) => n.name), ["Location"], "the referenced message travels nested in the root");

    await stream.ingestRecord(AirQuality.create({ device_name: "msg", temp: 1, humidity: 10 }));
    await stream.ingestRecord({ device_name: "plain", temp: 2, humidity: 9007199254740993n, location: { lat: 1.5, lng: -2 } });
    await stream.ingestRecord(AirQuality.encode(AirQuality.fromObject({ device_name: "bytes", temp: 3 })).finish());
    await stream.ingestRecords([{ device_name: "b1" }, { device_name: "b2" }]);
    await stream.close();
    const rows = receivedRows(server);
    assert.deepEqual(rows.map((r) => r["device_name"]), ["msg", "plain", "bytes", "b1", "b2"]);
    assert.equal(rows[1]!["humidity"], "9007199254740993", "int64 beyond 2^53 arrives exactly");
    assert.deepEqual(rows[1]!["location"], { lat: 1.5, lng: -2 });
  });

  it("accepts the official TS shape: { tableName, descriptorProto } from loadDescriptorProto", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zerobus-desc-"));
    const set = (root.toDescriptor as (syntax: string) => protobuf.Message)("proto2");
    const path = join(dir, "schema.desc");
    const FileDescriptorSet = (descriptorExt as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet;
    await writeFile(path, FileDescriptorSet.encode(set).finish());
    const descriptorProto = loadDescriptorProto({ descriptorPath: path, messageName: "AirQuality" });
    const { server, stream } = await protoStream({ tableName: TABLE, descriptorProto });
    await stream.ingestRecord({ device_name: "from-file", temp: 7 });
    await stream.close();
    assert.equal(receivedRows(server)[0]!["device_name"], "from-file");
  });

  it("rejects strings and unknown fields on a PROTO stream before sending", async () => {
    const { server, stream } = await protoStream(new TableProperties(TABLE, AirQuality));
    await assert.rejects(stream.ingestRecord('{"device_name":"x"}'), NonRetriableException);
    await assert.rejects(stream.ingestRecord({ no_such_column: 1 }), /no_such_column/);
    await stream.close();
    assert.equal(server.calls[0]!.received.length, 1);
  });
});
