/**
 * The ordered record of everything ingested and not yet acknowledged, and of which of it went out on the
 * current connection. This is what makes recovery lossless: on a new connection the ledger is rewound and
 * every entry is sent again, oldest first, with physical offsets restarting at 0 (PROTOCOL.md §4.3).
 *
 * An entry is one user call (one record, or one batch); its logical offset never changes. A request is
 * one wire message; it may carry several single-record entries (the engine coalesces them), and the ledger
 * remembers how many, so a cumulative ack (physical offset N) releases exactly the entries of requests 0..N.
 */
import type { RecordAcknowledgment } from "./acknowledgment.js";
import type { WireRecord } from "./wire/request-encoder.js";

/** One ingest call waiting for its acknowledgment. */
export interface LedgerEntry {
  /** Logical offset: one per call, stable for the life of the stream. */
  readonly offset: number;
  /** The encoded record, or the records of a batch call. */
  readonly payload: WireRecord | readonly WireRecord[];
  /** Records in the entry (1 for a single record). */
  readonly recordCount: number;
  /** Encoded size of the entry's records, in bytes. */
  readonly bytes: number;
  /** When the entry was admitted (`performance.now()`): the start of its ack latency. */
  readonly ingestedAt: number;
  /** For a batch call: the encoded size of each record (so the encoder need not measure JSON text again). */
  readonly sizes: readonly number[] | undefined;
  /** The handle returned by `ingestRecord`, if any: resolved on ack, rejected on failure. */
  readonly ack: RecordAcknowledgment | undefined;
}

/** Result of applying an ack: the logical offsets released and how many records they held. */
export interface AckedRange {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly records: number;
}

/** A FIFO queue backed by an array with a moving head, compacted now and then: O(1) amortized ops. */
class Fifo<T> {
  items: T[] = [];
  head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  at(i: number): T {
    return this.items[this.head + i]!;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

/** See the module comment. */
export class PendingLedger {
  readonly #entries = new Fifo<LedgerEntry>();
  /** Entries per request sent on the current connection, oldest first. */
  readonly #requests = new Fifo<number>();
  #sentEntries = 0;
  #lastAckedPhysical = -1;
  #records = 0;

  /** Records held (sent or not). */
  get recordCount(): number {
    return this.#records;
  }

  /** Entries held (sent or not). */
  get entryCount(): number {
    return this.#entries.length;
  }

  /** Requests sent on this connection and not yet acknowledged. */
  get unackedRequests(): number {
    return this.#requests.length;
  }

  /** Physical offset the next request on this connection gets. */
  get nextPhysicalOffset(): number {
    return this.#lastAckedPhysical + 1 + this.#requests.length;
  }

  /** Entries not yet sent on this connection. */
  get unsentCount(): number {
    return this.#entries.length - this.#sentEntries;
  }

  /** Adds a new entry at the end. */
  add(entry: LedgerEntry): void {
    this.#entries.push(entry);
    this.#records += entry.recordCount;
  }

  /** The `i`-th entry not yet sent on this connection. */
  unsent(i: number): LedgerEntry {
    return this.#entries.at(this.#sentEntries + i);
  }

  /** Records that the next `entries` unsent entries went out as one request; returns its physical offset. */
  markSent(entries: number): number {
    const physical = this.nextPhysicalOffset;
    this.#requests.push(entries);
    this.#sentEntries += entries;
    return physical;
  }

  /**
   * Applies a cumulative ack: every request with physical offset ≤ `upTo` is durable. `onEntry` is called for
   * each released entry, oldest first. Returns what was released, or `undefined` when nothing was (a stale or
   * repeated ack). Throws RangeError if `upTo` acknowledges a request that was never sent.
   */
  acknowledge(upTo: number, onEntry: (entry: LedgerEntry) => void): AckedRange | undefined {
    if (upTo >= this.nextPhysicalOffset) {
      throw new RangeError(`ack for offset ${upTo} but only ${this.nextPhysicalOffset} requests were sent`);
    }
    if (upTo <= this.#lastAckedPhysical) return undefined;
    let records = 0;
    let firstOffset = -1;
    let lastOffset = -1;
    while (this.#lastAckedPhysical < upTo) {
      const entriesInRequest = this.#requests.shift();
      this.#lastAckedPhysical++;
      this.#sentEntries -= entriesInRequest;
      for (let i = 0; i < entriesInRequest; i++) {
        const entry = this.#entries.shift();
        records += entry.recordCount;
        if (firstOffset < 0) firstOffset = entry.offset;
        lastOffset = entry.offset;
        onEntry(entry);
      }
    }
    this.#records -= records;
    return { firstOffset, lastOffset, records };
  }

  /** Forgets what was sent: a new connection starts at physical offset 0 with the oldest entry. */
  rewind(): void {
    this.#requests.drain();
    this.#sentEntries = 0;
    this.#lastAckedPhysical = -1;
  }

  /** Removes and returns every entry, oldest first (the stream failed or closed). */
  takeAll(): LedgerEntry[] {
    this.rewind();
    this.#records = 0;
    return this.#entries.drain();
  }

  /** A copy of every entry, oldest first, leaving the ledger as it is. */
  snapshot(): LedgerEntry[] {
    return this.#entries.items.slice(this.#entries.head);
  }
}
