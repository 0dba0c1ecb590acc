/**
 * What differs between the two kinds of stream the engine drives, behind one interface: record streams
 * (`EphemeralStream`, `record-protocol.ts`) and Arrow streams (Flight `DoPut`, `arrow/flight-protocol.ts`).
 * Everything else — the ledger, the in-flight window, acknowledgments, recovery, rotation, states, metrics
 * and logs — is the same {@link StreamEngine} code for both.
 */
import type { PendingLedger } from "./pending-ledger.js";
import type { RpcMethod, StreamCall } from "./transport/grpc-channel.js";
import type { StreamResponse } from "./wire/response-decoder.js";

/** An acknowledgment, as the wire gives it. */
export type AckResponse = Extract<StreamResponse, { kind: "ack" | "rowsAck" }>;

/** How the ledger's entries go out on one connection, and how acknowledgments map back to them. */
export interface EntrySender {
  /**
   * Writes the next request (the ledger must have unsent entries), marking in the ledger what it completes.
   * Returns what the transport said: `false` means wait for its drain before sending more.
   */
  sendNext(call: StreamCall): boolean;
  /**
   * The physical offset of the last request `ack` acknowledges on this connection, or `undefined` when it
   * acknowledges nothing new. Throws a `RangeError` for an ack that cannot be (a protocol violation, which
   * the engine recovers from), or a `ZerobusException` to end the stream with.
   */
  ackedRequest(ack: AckResponse): number | undefined;
  /** A new connection starts: forget what was sent on the last one. */
  rewind(): void;
}

/** One kind of stream's wire protocol. */
export interface WireProtocol {
  /** The RPC each connection calls. */
  readonly rpc: RpcMethod;
  /** The first request of every call (`create_stream`, or the Flight schema frame). */
  readonly openingRequest: Buffer;
  /** What the answer to the opening request is called, for errors ("create response", "ready signal"). */
  readonly openingAnswer: string;
  /**
   * How long before a close the server announces the client stops waiting for acknowledgments and moves
   * on: 0 for record streams (PROTOCOL.md §4.8), 500 ms for Arrow streams (ARROW-FLIGHT.md §3), so the
   * half-close reaches the server before it ends the call.
   */
  readonly closeLeadMs: number;
  /** The stream id that answers the opening request, or `undefined` when `response` is not that answer. */
  streamIdFrom(response: StreamResponse): string | undefined;
  /** The sender of `ledger`'s entries. */
  createSender(ledger: PendingLedger): EntrySender;
}
