/**
 * The Arrow streams' wire protocol (ARROW-FLIGHT.md §1–3): Flight `DoPut`, opened by the schema frame and
 * answered by the ready signal (`ack_up_to_offset` -1). Each ledger entry (one `ingestBatch` call) goes out
 * as its frames, one request each, numbered `{"offset_id":N}` from 0 on every connection. Acks count rows
 * (`ack_up_to_records`, cumulative per connection); they are mapped back to the last whole frame they cover,
 * which the shared ledger turns into released batches. A batch partly acknowledged before a reconnect
 * resumes from its first unacknowledged frame.
 */
import { NonRetriableException, GrpcStatus } from "../errors.js";
import { NumberRing } from "../ledger-columns.js";
import type { PendingLedger } from "../pending-ledger.js";
import type { RpcMethod, StreamCall } from "../transport/grpc-channel.js";
import { decodePutResult, encodeSchemaFrame, frameMetadata, gatherFlightData } from "../wire/flight-data.js";
import type { AckResponse, EntrySender, WireProtocol } from "../wire-protocol.js";
import type { ArrowBatch } from "./arrow-batch.js";
import type { BodyCodec } from "./body-codecs.js";
import { compressFrame } from "./body-compression.js";

/** Full method path of Flight `DoPut`. */
export const DO_PUT_METHOD = "/arrow.flight.protocol.FlightService/DoPut";

/** The official clients stop waiting this long before an announced close (ARROW-FLIGHT.md §3). */
const CLOSE_LEAD_MS = 500;

const DO_PUT_RPC: RpcMethod = { path: DO_PUT_METHOD, decode: decodePutResult };

const DETACHED = (): NonRetriableException =>
  new NonRetriableException(
    "ingestBatch: the memory of a batch awaiting acknowledgment was detached (transferred) or resized; IPC bytes and RecordBatch columns must stay as they are until acknowledged",
  );

/** See the module comment. */
class FlightSender implements EntrySender {
  readonly #ledger: PendingLedger;
  readonly #codec: BodyCodec | undefined;
  /** The next frame of the first unsent entry. */
  #frame = 0;
  /** Rows sent on this connection, cumulative, at the end of each frame not yet acknowledged. */
  readonly #rowsAtFrameEnd = new NumberRing();
  #rowsSent = 0;
  #rowsAcked = 0;
  #lastAckedFrame = -1;

  constructor(ledger: PendingLedger, codec: BodyCodec | undefined) {
    this.#ledger = ledger;
    this.#codec = codec;
  }

  sendNext(call: StreamCall): boolean {
    const ledger = this.#ledger;
    const batch = ledger.unsentPayload(0) as ArrowBatch;
    // grpc-js reads the frame later, inside its own framing: check the caller's memory while errors are ours.
    if (!batch.frameIntact(this.#frame)) throw DETACHED();
    const frame = batch.frames[this.#frame]!;
    const last = this.#frame === batch.frames.length - 1;
    const offset = ledger.markSent(last ? 1 : 0);
    this.#frame = last ? 0 : this.#frame + 1;
    this.#rowsSent += frame.rows;
    this.#rowsAtFrameEnd.push(this.#rowsSent);
    const { header, body } = this.#codec ? compressFrame(frame, this.#codec) : { header: frame.header, body: frame.bodyWriter ?? frame.body };
    return call.write(gatherFlightData(header, body, frameMetadata(offset)));
  }

  ackedRequest(ack: AckResponse): number | undefined {
    if (ack.kind !== "rowsAck") throw new RangeError(`'${ack.kind}' on a Flight stream`);
    const rows = ack.ackUpToRecords;
    if (rows > this.#rowsSent) {
      throw new NonRetriableException(
        `Invalid state: the server acknowledged ${rows} rows but ${this.#rowsSent} were sent on this connection`,
        { grpcCode: GrpcStatus.INTERNAL },
      );
    }
    if (rows <= this.#rowsAcked) return undefined; // 0, stale or repeated: the watermark is a running max
    this.#rowsAcked = rows;
    const before = this.#lastAckedFrame;
    const ends = this.#rowsAtFrameEnd;
    // Only whole frames count: rows acknowledged inside a frame are sent again on a reconnect (at least once).
    while (ends.length > 0 && ends.peek() <= rows) {
      ends.shift();
      this.#lastAckedFrame++;
    }
    return this.#lastAckedFrame === before ? undefined : this.#lastAckedFrame;
  }

  rewind(): void {
    // The oldest entry resumes after its frames acknowledged on earlier connections.
    this.#frame = this.#ledger.durableRequestsOfOldest;
    this.#rowsAtFrameEnd.clear();
    this.#rowsSent = 0;
    this.#rowsAcked = 0;
    this.#lastAckedFrame = -1;
  }
}

/** The protocol of an Arrow stream whose declared schema's message is `schemaMessage`. */
export function flightProtocol(schemaMessage: Uint8Array, codec: BodyCodec | undefined): WireProtocol {
  return {
    rpc: DO_PUT_RPC,
    openingRequest: encodeSchemaFrame(schemaMessage),
    openingAnswer: "ready signal",
    closeLeadMs: CLOSE_LEAD_MS,
    streamIdFrom: (response) => (response.kind === "rowsAck" && response.ackUpToOffset === -1 ? "" : undefined),
    createSender: (ledger) => new FlightSender(ledger, codec),
  };
}
