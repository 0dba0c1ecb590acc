/**
 * The ordered record of everything ingested and not yet acknowledged, and of which of it went out on the
 * current connection. This is what makes recovery lossless: on a new connection the ledger is rewound and
 * every entry is sent again, oldest first, with physical offsets restarting at 0 (PROTOCOL.md §4.3).
 *
 * An entry is one user call (one record, or one batch); its logical offset never changes. A request is
 * one wire message; it may carry several single-record entries (the engine coalesces them), and the ledger
 * remembers how many, so a cumulative ack (physical offset N) releases exactly the entries of requests 0..N.
 * Logical offsets are consecutive: the ledger holds exactly the calls from its oldest unacknowledged one to
 * the newest, so it assigns them itself. A request may also carry only part of an entry (an Arrow batch sent
 * as several frames): such requests complete no entry, and only the one carrying the entry's last part does.
 *
 * Entries are stored as columns (see `ledger-columns.ts`); a {@link LedgerEntry} object is made only where
 * a caller needs one off the hot path (the unacknowledged records of a failed stream, a snapshot).
 */
import type { RecordAcknowledgment } from "./acknowledgment.js";
import { LedgerColumns, NumberRing, type EntryPayload } from "./ledger-columns.js";

/** One ingest call waiting for its acknowledgment, as handed out by {@link PendingLedger.snapshot}. */
export interface LedgerEntry {
  /** Logical offset: one per call, stable for the life of the stream. */
  readonly offset: number;
  /** The encoded record, or the records of a batch call (see `EntryPayload`). */
  readonly payload: EntryPayload;
  /** Records in the entry (1 for a single record). */
  readonly recordCount: number;
  /** Encoded size of the entry's records, in bytes. */
  readonly bytes: number;
  /** When the entry was admitted (`performance.now()`): the start of its ack latency. */
  readonly ingestedAt: number;
  /** The handle returned by `ingestRecord`, if any: resolved on ack, rejected on failure. */
  readonly ack: RecordAcknowledgment | undefined;
}

/** Result of applying an ack: the logical offsets released and how many records they held. */
export interface AckedRange {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly records: number;
  readonly bytes: number;
}

/** Told about each entry an ack releases, oldest first. */
export type ReleasedEntryVisitor = (
  payload: EntryPayload,
  ack: RecordAcknowledgment | undefined,
  recordCount: number,
  bytes: number,
  ingestedAt: number,
) => void;

/** See the module comment. */
export class PendingLedger {
  readonly #entries = new LedgerColumns();
  /** Entries per request sent on the current connection, oldest first. */
  readonly #requests = new NumberRing();
  /** Logical offset of the oldest entry held (or of the next one, when empty). */
  #firstOffset = 0;
  #sentEntries = 0;
  #lastAckedPhysical = -1;
  #records = 0;
  #durableRequestsOfOldest = 0;

  /** Records held (sent or not). */
  get recordCount(): number {
    return this.#records;
  }

  /** Entries held (sent or not). */
  get entryCount(): number {
    return this.#entries.length;
  }

  /** Logical offset the next entry gets. */
  get nextOffset(): number {
    return this.#firstOffset + this.#entries.length;
  }

  /** Requests sent on this connection and not yet acknowledged. */
  get unackedRequests(): number {
    return this.#requests.length;
  }

  /** Physical offset the next request on this connection gets. */
  get nextPhysicalOffset(): number {
    return this.#lastAckedPhysical + 1 + this.#requests.length;
  }

  /**
   * Requests acknowledged that carried parts of the oldest entry without completing it (frames of a partly
   * acknowledged Arrow batch). Kept across reconnects: those parts are durable and are not sent again.
   */
  get durableRequestsOfOldest(): number {
    return this.#durableRequestsOfOldest;
  }

  /** Entries not yet sent on this connection. */
  get unsentCount(): number {
    return this.#entries.length - this.#sentEntries;
  }

  /** Adds a new entry at the end and returns its logical offset. */
  add(payload: EntryPayload, recordCount: number, bytes: number, ack: RecordAcknowledgment | undefined, ingestedAt: number): number {
    const offset = this.nextOffset;
    this.#entries.push(payload, recordCount, bytes, ack, ingestedAt);
    this.#records += recordCount;
    return offset;
  }

  /** The payload of the `i`-th entry not yet sent on this connection. */
  unsentPayload(i: number): EntryPayload {
    return this.#entries.payload(this.#sentEntries + i);
  }

  /** The encoded size of the `i`-th entry not yet sent. */
  unsentBytes(i: number): number {
    return this.#entries.bytes(this.#sentEntries + i);
  }

  /**
   * Records that the next `entries` unsent entries went out as one request; returns its physical offset.
   * `entries` is 0 for a request carrying a part of the next entry that is not its last.
   */
  markSent(entries: number): number {
    const physical = this.nextPhysicalOffset;
    this.#requests.push(entries);
    this.#sentEntries += entries;
    return physical;
  }

  /**
   * Applies a cumulative ack: every request with physical offset ≤ `upTo` is durable. `onEntry` is called for
   * each released entry, oldest first. Returns what was released, or `undefined` when no entry was (a stale or
   * repeated ack, or one completing only parts of an entry). Throws RangeError if `upTo` acknowledges a
   * request that was never sent.
   */
  acknowledge(upTo: number, onEntry: ReleasedEntryVisitor): AckedRange | undefined {
    if (upTo >= this.nextPhysicalOffset) {
      throw new RangeError(`ack for offset ${upTo} but only ${this.nextPhysicalOffset} requests were sent`);
    }
    if (upTo <= this.#lastAckedPhysical) return undefined;
    const entries = this.#entries;
    const firstOffset = this.#firstOffset;
    let released = 0;
    let records = 0;
    let bytes = 0;
    while (this.#lastAckedPhysical < upTo) {
      const entriesInRequest = this.#requests.shift();
      this.#lastAckedPhysical++;
      this.#sentEntries -= entriesInRequest;
      if (entriesInRequest === 0) this.#durableRequestsOfOldest++;
      else this.#durableRequestsOfOldest = 0;
      for (let i = 0; i < entriesInRequest; i++, released++) {
        const recordCount = entries.recordCount(0);
        const entryBytes = entries.bytes(0);
        records += recordCount;
        bytes += entryBytes;
        onEntry(entries.payload(0), entries.ack(0), recordCount, entryBytes, entries.ingestedAt(0));
        entries.shift();
      }
    }
    if (released === 0) return undefined;
    this.#firstOffset += released;
    this.#records -= records;
    return { firstOffset, lastOffset: firstOffset + released - 1, records, bytes };
  }

  /** Forgets what was sent: a new connection starts at physical offset 0 with the oldest entry. */
  rewind(): void {
    this.#requests.clear();
    this.#sentEntries = 0;
    this.#lastAckedPhysical = -1;
  }

  /** Removes and returns every entry, oldest first (the stream failed or closed). */
  takeAll(): LedgerEntry[] {
    const all = this.snapshot();
    this.rewind();
    this.#firstOffset += this.#entries.length;
    this.#entries.clear();
    this.#records = 0;
    this.#durableRequestsOfOldest = 0;
    return all;
  }

  /** A copy of every entry, oldest first, leaving the ledger as it is. */
  snapshot(): LedgerEntry[] {
    const entries = this.#entries;
    const all = new Array<LedgerEntry>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      all[i] = {
        offset: this.#firstOffset + i,
        payload: entries.payload(i),
        recordCount: entries.recordCount(i),
        bytes: entries.bytes(i),
        ingestedAt: entries.ingestedAt(i),
        ack: entries.ack(i),
      };
    }
    return all;
  }
}
