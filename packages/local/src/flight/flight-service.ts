/**
 * The Arrow Flight service as grpc-js sees it: only DoPut is registered (grpc-js answers every other
 * FlightService method UNIMPLEMENTED by itself), with raw-bytes serializers around the hand-written
 * FlightData / PutResult codec. Like the record service's deserializer, this one never throws: an
 * oversized or undecodable frame becomes a value the call answers with a clear status.
 */
import type { ServiceDefinition } from "@grpc/grpc-js";
import { MAX_MESSAGE_BYTES } from "../service/wire-types.js";
import { decodeFlightData, DO_PUT_PATH, type FlightData } from "./flight-wire.js";

/** What the deserializer yields for one incoming FlightData message. */
export type IncomingFlightData =
  | { t: "frame"; frame: FlightData; bytes: number }
  | { t: "too-large"; bytes: number }
  | { t: "undecodable"; bytes: number; error: string };

/** The gRPC request deserializer of DoPut. */
export function deserializeFlightData(buffer: Buffer): IncomingFlightData {
  if (buffer.length > MAX_MESSAGE_BYTES) return { t: "too-large", bytes: buffer.length };
  try {
    return { t: "frame", frame: decodeFlightData(buffer), bytes: buffer.length };
  } catch (err) {
    return { t: "undecodable", bytes: buffer.length, error: (err as Error).message };
  }
}

const passThrough = (bytes: Buffer): Buffer => bytes;

/** `arrow.flight.protocol.FlightService` with its one served method. */
export const FLIGHT_SERVICE: ServiceDefinition = {
  DoPut: {
    path: DO_PUT_PATH,
    requestStream: true,
    responseStream: true,
    // Only the server side is used; the client-side pair exists to satisfy the definition's shape.
    requestSerialize: passThrough,
    requestDeserialize: deserializeFlightData,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};
