/**
 * Turns the ledger's unsent entries into requests on a call, one request per `sendNext`:
 * - a batch call framed at ingest goes out as a view of its own memory (kept until its ack, since it may be
 *   re-sent after a reconnect);
 * - a one-record batch call goes out alone as a single-record request, as the official clients send it;
 * - consecutive single-record calls are coalesced into one batch request, bounded by `maxRecordsPerRequest`
 *   and `maxBytesPerRequest`; that request's memory is reused once the transport has written it.
 */
import type { EntryPayload } from "./ledger-columns.js";
import type { PendingLedger } from "./pending-ledger.js";
import type { StreamCall } from "./transport/grpc-channel.js";
import type { AckResponse, EntrySender } from "./wire-protocol.js";
import { FramedBatch } from "./wire/framed-batch.js";
import { releaseRequestBuffer } from "./wire/request-buffers.js";
import { encodeBatchRequest, encodeFramedBatchRequest, encodeRecordRequest, type WireRecord, type WireRecordType } from "./wire/request-encoder.js";

/** How far single-record calls are coalesced. */
export interface CoalescingLimits {
  readonly maxRecordsPerRequest: number;
  readonly maxBytesPerRequest: number;
}

/** See the module comment. */
export class RequestSender implements EntrySender {
  readonly #ledger: PendingLedger;
  readonly #type: WireRecordType;
  readonly #limits: CoalescingLimits;
  /**
   * Reused for every coalesced request: fresh arrays of up to 10,000 entries would be alive whenever a
   * collection runs during the encoding (which allocates), and what survives collections makes V8 grow the heap.
   */
  readonly #records: Array<WireRecord | undefined> = [];
  readonly #sizes: number[] = [];

  /** A sender of `ledger`'s entries as requests of the stream's record type. */
  constructor(ledger: PendingLedger, type: WireRecordType, limits: CoalescingLimits) {
    this.#ledger = ledger;
    this.#type = type;
    this.#limits = limits;
  }

  /**
   * Writes the next request (the ledger must have unsent entries) and marks its entries sent. Returns what
   * the transport said: `false` means wait for its drain before sending more.
   */
  sendNext(call: StreamCall): boolean {
    const ledger = this.#ledger;
    const first = ledger.unsentPayload(0);
    if (first instanceof FramedBatch) return call.write(encodeFramedBatchRequest(ledger.markSent(1), this.#type, first));
    // A record stream's ledger holds no Arrow batches: what is neither framed nor single is a one-record batch.
    const request = isSingleRecord(first) ? this.#coalesced(first) : this.#alone((first as readonly [WireRecord])[0]);
    return call.write(request, () => releaseRequestBuffer(request));
  }

  /** A record stream's ack names the physical offset of the last durable request. */
  ackedRequest(ack: AckResponse): number {
    if (ack.ackUpToOffset === undefined) throw new RangeError("ack without an offset");
    return Number(ack.ackUpToOffset);
  }

  /** Nothing to forget: the ledger holds all the sending state of a record stream. */
  rewind(): void {}

  /** The request for a one-record batch call. */
  #alone(record: WireRecord): Buffer {
    const bytes = this.#ledger.unsentBytes(0); // read before markSent moves past the entry
    return encodeRecordRequest(this.#ledger.markSent(1), this.#type, record, bytes);
  }

  /** One request for the single-record entries from `first` on that fit together. */
  #coalesced(first: WireRecord): Buffer {
    const ledger = this.#ledger;
    const count = this.#coalescibleCount();
    if (count === 1) {
      const bytes = ledger.unsentBytes(0);
      return encodeRecordRequest(ledger.markSent(1), this.#type, first, bytes);
    }
    const [records, sizes] = [this.#records, this.#sizes];
    for (let i = 0; i < count; i++) {
      records[i] = ledger.unsentPayload(i) as WireRecord;
      sizes[i] = ledger.unsentBytes(i);
    }
    const request = encodeBatchRequest(ledger.markSent(count), this.#type, records as WireRecord[], 0, count, sizes);
    records.fill(undefined, 0, count); // hold no records beyond this request
    return request;
  }

  /** How many unsent single-record entries, from the first, fit in one request. */
  #coalescibleCount(): number {
    const ledger = this.#ledger;
    const limit = Math.min(ledger.unsentCount, this.#limits.maxRecordsPerRequest);
    let bytes = ledger.unsentBytes(0);
    let count = 1;
    while (count < limit) {
      if (!isSingleRecord(ledger.unsentPayload(count))) break;
      bytes += ledger.unsentBytes(count);
      if (bytes > this.#limits.maxBytesPerRequest) break;
      count++;
    }
    return count;
  }
}

function isSingleRecord(payload: EntryPayload): payload is WireRecord {
  return typeof payload === "string" || payload instanceof Uint8Array;
}
