/**
 * Which input record a stream failure is about. Each ingest call gets the next logical offset (0, 1, 2, …
 * for the life of the stream), so the locator registers every request's records under its offset before
 * sending and forgets them once acknowledged: what it holds is exactly what is in flight.
 *
 * The service names a refused request by its *wire* offset, which restarts at 0 on every connection, with
 * the first unacknowledged request resent first. So the locator also notes, at each connection attempt
 * (the headers provider is asked once per attempt), the logical offset wire offset 0 stands for.
 */
import type { RecordLocation } from "../input/input-records.js";

/** A record handed to the SDK, and where it came from. */
export interface PendingRecord {
  record: unknown;
  location: RecordLocation;
}

/** One ingest call: a record, or a batch under one offset. */
export interface SentRequest {
  offset: number;
  records: PendingRecord[];
}

/** The record a failure message points at, with the others of its request. */
export interface LocatedFailure {
  request: SentRequest;
  /** The refused record's position in the request, when the message says (always 0 for a single record). */
  recordIndex: number | undefined;
}

// "Record 3 of the batch at offset 7 is invalid", "Record at offset 7 is invalid", "… at offset 7 …"
const BATCH_RECORD = /Record (\d+) of the batch at offset (\d+)/;
const ANY_OFFSET = /at offset (\d+)/;

/** Tracks in-flight requests by logical offset. */
export class RecordLocator {
  readonly #inFlight = new Map<number, SentRequest>();
  #ackedUpTo = -1;
  #wireBase = 0;
  #ackedRecords = 0;

  /** Records acknowledged so far (durable in the table). */
  get ackedRecords(): number {
    return this.#ackedRecords;
  }

  /** Registers a request before it is handed to the SDK. */
  register(request: SentRequest): void {
    this.#inFlight.set(request.offset, request);
  }

  /** Forgets a request the SDK refused before sending it. */
  unregister(offset: number): void {
    this.#inFlight.delete(offset);
  }

  /** The ack callback: everything up to `offset` is durable. */
  acked(offset: number): void {
    for (let o = this.#ackedUpTo + 1; o <= offset; o++) {
      this.#ackedRecords += this.#inFlight.get(o)?.records.length ?? 0;
      this.#inFlight.delete(o);
    }
    this.#ackedUpTo = Math.max(this.#ackedUpTo, offset);
  }

  /** Called at each connection attempt: wire offset 0 is now the first unacknowledged request. */
  connecting(): void {
    this.#wireBase = this.#ackedUpTo + 1;
  }

  /** The oldest request not yet acknowledged. */
  firstUnacked(): SentRequest | undefined {
    return this.#inFlight.get(this.#ackedUpTo + 1);
  }

  /** The record a service error message names, when it names one that is in flight. */
  locate(message: string): LocatedFailure | undefined {
    const batch = BATCH_RECORD.exec(message);
    const any = batch === null ? ANY_OFFSET.exec(message) : null;
    const wireOffset = batch !== null ? Number(batch[2]) : any !== null ? Number(any[1]) : undefined;
    if (wireOffset === undefined) return undefined;
    const request = this.#inFlight.get(this.#wireBase + wireOffset);
    if (request === undefined) return undefined;
    if (batch === null) return { request, recordIndex: request.records.length === 1 ? 0 : undefined };
    const recordIndex = Number(batch[1]);
    return { request, recordIndex: recordIndex < request.records.length ? recordIndex : undefined };
  }
}
