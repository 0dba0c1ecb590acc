/**
 * The storage behind the pending ledger: a FIFO of entries kept as columns (a struct of arrays) in ring
 * buffers that grow by doubling and are then reused.
 *
 * Why columns and not an object per entry: an entry lives until its acknowledgment, long enough to survive
 * a young-generation collection or two. Millions of short-lived objects a second that survive that long are
 * copied and promoted by the garbage collector, which then grows the heap to make room for them (this was
 * tens of MB of peak RSS on one-record-per-call ingestion). Numbers in typed arrays and references in
 * preallocated slots cost the collector nothing per record.
 */
import type { RecordAcknowledgment } from "./acknowledgment.js";
import type { ArrowBatch } from "./arrow/arrow-batch.js";
import type { FramedBatch } from "./wire/framed-batch.js";
import type { WireRecord } from "./wire/request-encoder.js";

/**
 * What an entry carries: one record (coalescible with its neighbours), a batch call of one record (sent
 * alone, as a single-record request), a batch call's records framed at ingest, or an Arrow batch (its frames).
 */
export type EntryPayload = WireRecord | readonly [WireRecord] | FramedBatch | ArrowBatch;

const INITIAL_CAPACITY = 1024;

/** A FIFO of plain numbers in a growable ring (used for the ledger's per-request entry counts). */
export class NumberRing {
  #values = new Float64Array(INITIAL_CAPACITY);
  #head = 0;
  #length = 0;

  /** Numbers held. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value`. */
  push(value: number): void {
    if (this.#length === this.#values.length) {
      this.#values = grown(this.#values, this.#head, this.#length, (n) => new Float64Array(n));
      this.#head = 0;
    }
    this.#values[(this.#head + this.#length++) & (this.#values.length - 1)] = value;
  }

  /** The oldest number (the ring must not be empty). */
  peek(): number {
    return this.#values[this.#head]!;
  }

  /** Removes and returns the oldest number. */
  shift(): number {
    const value = this.#values[this.#head]!;
    this.#head = (this.#head + 1) & (this.#values.length - 1);
    this.#length--;
    return value;
  }

  /** Removes everything. */
  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}

/** The entries of the ledger, oldest first; `i` below is a position counted from the oldest. */
export class LedgerColumns {
  #payloads = new Array<EntryPayload | undefined>(INITIAL_CAPACITY);
  #acks = new Array<RecordAcknowledgment | undefined>(INITIAL_CAPACITY);
  #counts = new Float64Array(INITIAL_CAPACITY);
  #bytes = new Float64Array(INITIAL_CAPACITY);
  #times = new Float64Array(INITIAL_CAPACITY);
  #head = 0;
  #length = 0;

  /** Entries held. */
  get length(): number {
    return this.#length;
  }

  /** Appends an entry (see `LedgerEntry` for what each field means). */
  push(payload: EntryPayload, recordCount: number, bytes: number, ack: RecordAcknowledgment | undefined, ingestedAt: number): void {
    if (this.#length === this.#payloads.length) this.#grow();
    const slot = this.#slot(this.#length++);
    this.#payloads[slot] = payload;
    this.#acks[slot] = ack;
    this.#counts[slot] = recordCount;
    this.#bytes[slot] = bytes;
    this.#times[slot] = ingestedAt;
  }

  /** Drops the oldest entry, letting go of what it referenced. */
  shift(): void {
    const slot = this.#head;
    this.#payloads[slot] = undefined;
    this.#acks[slot] = undefined;
    this.#head = (slot + 1) & (this.#payloads.length - 1);
    this.#length--;
  }

  /** Drops every entry. */
  clear(): void {
    this.#payloads.fill(undefined);
    this.#acks.fill(undefined);
    this.#head = 0;
    this.#length = 0;
  }

  payload(i: number): EntryPayload {
    return this.#payloads[this.#slot(i)]!;
  }

  ack(i: number): RecordAcknowledgment | undefined {
    return this.#acks[this.#slot(i)];
  }

  recordCount(i: number): number {
    return this.#counts[this.#slot(i)]!;
  }

  bytes(i: number): number {
    return this.#bytes[this.#slot(i)]!;
  }

  ingestedAt(i: number): number {
    return this.#times[this.#slot(i)]!;
  }

  #slot(i: number): number {
    return (this.#head + i) & (this.#payloads.length - 1);
  }

  /** Doubles every column, moving the entries to the start (capacities stay powers of two). */
  #grow(): void {
    const [head, length] = [this.#head, this.#length];
    this.#payloads = grown(this.#payloads, head, length, (n) => new Array<EntryPayload | undefined>(n));
    this.#acks = grown(this.#acks, head, length, (n) => new Array<RecordAcknowledgment | undefined>(n));
    this.#counts = grown(this.#counts, head, length, (n) => new Float64Array(n));
    this.#bytes = grown(this.#bytes, head, length, (n) => new Float64Array(n));
    this.#times = grown(this.#times, head, length, (n) => new Float64Array(n));
    this.#head = 0;
  }
}

interface Indexable<T> {
  readonly length: number;
  [index: number]: T;
}

/** A column twice the size of `column`, holding its `length` items from `head` on (wrapping) at 0.. */
function grown<T, C extends Indexable<T>>(column: C, head: number, length: number, create: (size: number) => C): C {
  const next = create(column.length * 2);
  for (let i = 0; i < length; i++) next[i] = column[(head + i) & (column.length - 1)]!;
  return next;
}
