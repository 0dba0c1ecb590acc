/**
 * Backpressure: at most `maxRecords` units (records, or Arrow batches) and `maxBytes` bytes may be ingested
 * and not yet acknowledged. Admission is FIFO so a large batch cannot be starved by a stream of single
 * records; a batch larger than the whole window is admitted once the window is empty, so it can never deadlock.
 */

interface Waiter {
  readonly records: number;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** See the module comment. */
export class InflightWindow {
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  #inflight = 0;
  #inflightBytes = 0;
  readonly #waiters: Waiter[] = [];
  #closedWith: Error | undefined;

  /** A window admitting up to `maxRecords` records (units) and `maxBytes` bytes. */
  constructor(maxRecords: number, maxBytes = Infinity) {
    this.#maxRecords = maxRecords;
    this.#maxBytes = maxBytes;
  }

  /** Records currently admitted. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Bytes currently admitted. */
  get inflightBytes(): number {
    return this.#inflightBytes;
  }

  #fits(records: number, bytes: number): boolean {
    return this.#inflight === 0 || (this.#inflight + records <= this.#maxRecords && this.#inflightBytes + bytes <= this.#maxBytes);
  }

  /** Admits `records` now if there is room and nobody is waiting; the fast path of every ingest call. */
  tryAcquire(records: number, bytes = 0): boolean {
    if (this.#closedWith || this.#waiters.length > 0 || !this.#fits(records, bytes)) return false;
    this.#inflight += records;
    this.#inflightBytes += bytes;
    return true;
  }

  /** Waits for room for `records` and `bytes`; rejects if the window is closed first. */
  acquire(records: number, bytes = 0): Promise<void> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    if (this.tryAcquire(records, bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ records, bytes, resolve, reject }));
  }

  /** Returns `records` and `bytes` to the window and admits waiters that now fit, in order. */
  release(records: number, bytes = 0): void {
    this.#inflight -= records;
    this.#inflightBytes -= bytes;
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.records, this.#waiters[0]!.bytes)) {
      const waiter = this.#waiters.shift()!;
      this.#inflight += waiter.records;
      this.#inflightBytes += waiter.bytes;
      waiter.resolve();
    }
  }

  /** Rejects every waiting and future `acquire` with `err`. */
  close(err: Error): void {
    this.#closedWith = err;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
  }
}
