/**
 * The records every bench client sends: the quickstart's air-quality row, pre-encoded once (PROTO bytes,
 * or JSON text), so the bench measures the clients, not record construction.
 */
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor/index.js";

export const TABLE = "main.default.air_quality";

const root = protobuf.parse(
  `syntax = "proto2";
   message AirQuality { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; }`,
  { keepCase: true },
).root;

/** The record message type (protobufjs). */
export const AirQuality = root.lookupType("AirQuality");

/** The serialized `DescriptorProto` of {@link AirQuality}, base64 (what the official TS SDK takes). */
export const DESCRIPTOR_BASE64 = Buffer.from(
  (descriptorExt as unknown as { DescriptorProto: protobuf.Type }).DescriptorProto.encode(
    (AirQuality as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor("proto2"),
  ).finish(),
).toString("base64");

const row = (i: number) => ({ device_name: `sensor-${i % 100}`, temp: 15 + (i % 20), humidity: 40 + (i % 50) });

/** `count` distinct records in the chosen format. */
export function makeRecords(format: "proto" | "json", count: number): Array<Buffer | string> {
  return Array.from({ length: count }, (_, i) =>
    format === "proto" ? Buffer.from(AirQuality.encode(AirQuality.fromObject(row(i))).finish()) : JSON.stringify(row(i)),
  );
}

/** Size in bytes of a record as sent. */
export const recordBytes = (record: Buffer | string): number => (typeof record === "string" ? Buffer.byteLength(record) : record.length);
