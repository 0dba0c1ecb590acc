/**
 * Decodes a `grpc-status-details-bin` trailer with protobufjs from the published google.rpc schemas
 * (independently of the hand-written encoder under test) into the Status and its ErrorInfo.
 */
import type { Metadata } from "@grpc/grpc-js";
import protobuf from "protobufjs";

// Typed loosely: protobufjs's INamespace typing has no `keyType` for map fields, though fromJSON reads it.
const schemaJson: protobuf.INamespace = {
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: "string", id: 1 }, value: { type: "bytes", id: 2 } } } } },
        rpc: {
          nested: {
            Status: { fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 }, details: { rule: "repeated", type: "google.protobuf.Any", id: 3 } } },
            ErrorInfo: { fields: { reason: { type: "string", id: 1 }, domain: { type: "string", id: 2 }, metadata: { keyType: "string", type: "string", id: 3 } as protobuf.IField } },
          },
        },
      },
    },
  },
} as protobuf.INamespace;
const root = protobuf.Root.fromJSON(schemaJson);
const Status = root.lookupType("google.rpc.Status");
const ErrorInfo = root.lookupType("google.rpc.ErrorInfo");

/** The decoded details, or undefined when the trailer is absent. */
export interface DecodedStatusDetails {
  code: number;
  message: string;
  typeUrl: string;
  errorInfo: { reason: string; domain: string; metadata: Record<string, string> };
}

/** Reads the trailer from a call's final metadata. */
export function decodeStatusDetails(metadata: Metadata | undefined): DecodedStatusDetails | undefined {
  const value = metadata?.get("grpc-status-details-bin")[0];
  if (value === undefined) return undefined;
  const status = Status.toObject(Status.decode(value as Buffer), { defaults: true }) as { code: number; message: string; details: Array<{ type_url: string; value: Uint8Array }> };
  const any = status.details[0]!;
  const errorInfo = ErrorInfo.toObject(ErrorInfo.decode(any.value), { defaults: true }) as DecodedStatusDetails["errorInfo"];
  return { code: status.code, message: status.message, typeUrl: any.type_url, errorInfo };
}
