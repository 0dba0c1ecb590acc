/**
 * The record type of the examples, as a protobufjs message type. In your project this usually comes from
 * a `.proto` file (`protobuf.load("air_quality.proto")`) or from `zerobus proto --table …`.
 */
import protobuf from "protobufjs";

/** `message AirQuality { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; }` */
export const AirQuality = protobuf
  .parse(
    `syntax = "proto2";
     message AirQuality {
       optional string device_name = 1;
       optional int32 temp = 2;
       optional int64 humidity = 3;
     }`,
    { keepCase: true },
  )
  .root.lookupType("AirQuality");

/** A sample reading. */
export const reading = (i: number) => ({ device_name: `sensor-${i % 10}`, temp: 15 + (i % 20), humidity: BigInt(40 + (i % 50)) });
