import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor/index.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { FAST, TABLE, staticHeaders } from "./test-support/fixtures.js";
import { autoAck, startScriptedServer } from "./test-support/scripted-server.js";

// The schema as protoc would compile it (fully qualified type names), loaded into protobuf-es at run time —
// what `buf generate` output does at import time.
const OPTIONAL = 1;
const [STRING, INT32, INT64, MESSAGE] = [9, 5, 3, 11];
const file = create(FileDescriptorProtoSchema, {
  name: "iot.proto",
  package: "iot",
  syntax: "proto2",
  messageType: [
    {
      name: "Reading",
      field: [
        { name: "device_name", jsonName: "deviceName", number: 1, label: OPTIONAL, type: STRING },
        { name: "temp", jsonName: "temp", number: 2, label: OPTIONAL, type: INT32 },
        { name: "humidity", jsonName: "humidity", number: 3, label: OPTIONAL, type: INT64 },
        { name: "place", jsonName: "place", number: 4, label: OPTIONAL, type: MESSAGE, typeName: ".iot.Place" },
      ],
    },
    { name: "Place", field: [{ name: "city", jsonName: "city", number: 1, label: OPTIONAL, type: STRING }] },
  ],
} as never);
const registry = createFileRegistry(file, () => undefined);
const ReadingSchema = registry.getMessage("iot.Reading") as DescMessage;
// The same schema in protobufjs, to decode what was sent.
const SOURCE = `syntax = "proto2"; package iot;
message Reading { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; optional Place place = 4; }
message Place { optional string city = 1; }`;
const root = protobuf.parse(SOURCE, { keepCase: true }).root;
const Reading = root.lookupType("iot.Reading");

describe("protobuf-es (@bufbuild/protobuf v2)", () => {
  const closers: Array<() => Promise<void>> = [];
  after(() => Promise.all(closers.map((c) => c())));

  it("takes a protobuf-es message descriptor and protobuf-es messages", async () => {
    const server = await startScriptedServer((call) => autoAck(call));
    closers.push(() => server.close());
    const sdk = new ZerobusSdk(server.endpoint, "");
    const stream = await sdk.createStream(new TableProperties(TABLE, ReadingSchema), "", "", { ...FAST, recordType: RecordType.PROTO }, staticHeaders());
    const message = create(ReadingSchema, { deviceName: "es", temp: 7, humidity: 9007199254740993n, place: { city: "Oslo" } } as never);
    await (await stream.ingestRecord(message)).waitForAck();
    await stream.close();
    sdk.close();
    const sent = server.calls[0]!.received[1]!.ingestRecord!.protoEncodedRecord!;
    assert.deepEqual(Reading.toObject(Reading.decode(sent), { longs: String }), {
      device_name: "es",
      temp: 7,
      humidity: "9007199254740993",
      place: { city: "Oslo" },
    });
    const descriptor = server.calls[0]!.received[0]!.createStream!.descriptorProto!;
    const decoded = (descriptorExt as unknown as { DescriptorProto: protobuf.Type }).DescriptorProto.decode(descriptor) as unknown as { nestedType: Array<{ name: string }> };
    assert.deepEqual(decoded.nestedType.map((n) => n.name), ["Place"], "the referenced message is nested into the root");
  });
});
