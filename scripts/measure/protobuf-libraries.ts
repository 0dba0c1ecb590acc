// Measures encoding plain objects with a descriptor known only at run time — what the SDK does for
// `ingestRecord({ ... })` on a PROTO stream — with protobufjs and with protobuf-es (@bufbuild/protobuf).
// Run: node --import tsx scripts/measure/protobuf-libraries.ts
import { create, createFileRegistry, toBinary, fromBinary, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor/index.js";

const SCHEMA = `syntax = "proto2"; package bench;
message AirQuality { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; }`;
const N = 300_000;
const rows = Array.from({ length: N }, (_, i) => ({ device_name: `sensor-${i % 100}`, temp: i % 40, humidity: BigInt(i) }));

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const type = root.lookupType("bench.AirQuality");
const setBytes = (descriptorExt as any).FileDescriptorSet.encode((root as any).toDescriptor("proto2")).finish();
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const schema = registry.getMessage("bench.AirQuality") as DescMessage;
void FileDescriptorProtoSchema;

function time(label: string, fn: () => number): void {
  fn(); // warm up
  const start = process.hrtime.bigint();
  const bytes = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(34)} ${(N / ms / 1000).toFixed(2).padStart(7)} M records/s  (${bytes} bytes)`);
}

time("protobufjs fromObject+encode", () => {
  let total = 0;
  for (const r of rows) total += type.encode(type.fromObject({ ...r, humidity: r.humidity.toString() })).finish().length;
  return total;
});
time("protobuf-es create+toBinary", () => {
  let total = 0;
  for (const r of rows) total += toBinary(schema, create(schema, { deviceName: r.device_name, temp: r.temp, humidity: r.humidity } as never)).length;
  return total;
});

// The SDK's own path: createRecordEncoder with the descriptor (validates keys and 64-bit values first).
const { createRecordEncoder } = await import("../../packages/sdk/src/record-encoding.js");
const { resolveDescriptor } = await import("../../packages/sdk/src/descriptor/resolve-descriptor.js");
const encode = createRecordEncoder("proto", resolveDescriptor(type));
time("zerobus-ts createRecordEncoder", () => {
  let total = 0;
  for (const r of rows) total += encode(r).length;
  return total;
});
