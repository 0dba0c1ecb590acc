/**
 * The record streams' wire protocol (PROTOCOL.md): `EphemeralStream`, opened by `create_stream` and answered
 * with a stream id; entries go out as record requests (`request-sender.ts`), acks name physical offsets.
 */
import { RequestSender, type CoalescingLimits } from "./request-sender.js";
import { EPHEMERAL_STREAM_RPC } from "./transport/grpc-channel.js";
import type { WireRecordType } from "./wire/request-encoder.js";
import type { WireProtocol } from "./wire-protocol.js";

/** The protocol of a record stream of `type` whose opening request is `createRequest`. */
export function recordProtocol(type: WireRecordType, createRequest: Buffer, limits: CoalescingLimits): WireProtocol {
  return {
    rpc: EPHEMERAL_STREAM_RPC,
    openingRequest: createRequest,
    openingAnswer: "create response",
    closeLeadMs: 0,
    streamIdFrom: (response) => (response.kind === "createStream" && response.streamId ? response.streamId : undefined),
    createSender: (ledger) => new RequestSender(ledger, type, limits),
  };
}
