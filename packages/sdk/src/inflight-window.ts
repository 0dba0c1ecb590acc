/**
 * Backpressure: at most `maxRecords` records may be ingested and not yet acknowledged. Admission is FIFO
 * so a large batch cannot be starved by a stream of single records; a batch larger than the whole window
 * is admitted once the window is empty, so it can never deadlock.
 */

interface Waiter {
  readonly records: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** See the module comment. */
export class InflightWindow {
  readonly #maxRecords: number;
  #inflight = 0;
  readonly #waiters: Waiter[] = [];
  #closedWith: Error | undefined;

  /** A window admitting up to `maxRecords` records. */
  constructor(maxRecords: number) {
    this.#maxRecords = maxRecords;
  }

  /** Records currently admitted. */
  get inflight(): number {
    return this.#inflight;
  }

  #fits(records: number): boolean {
    return this.#inflight === 0 || this.#inflight + records <= this.#maxRecords;
  }

  /** Admits `records` now if there is room and nobody is waiting; the fast path of every ingest call. */
  tryAcquire(records: number): boolean {
    if (this.#closedWith || this.#waiters.length > 0 || !this.#fits(records)) return false;
    this.#inflight += records;
    return true;
  }

  /** Waits for room for `records`; rejects if the window is closed first. */
  acquire(records: number): Promise<void> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    if (this.tryAcquire(records)) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ records, resolve, reject }));
  }

  /** Returns `records` to the window and admits waiters that now fit, in order. */
  release(records: number): void {
    this.#inflight -= records;
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.records)) {
      const waiter = this.#waiters.shift()!;
      this.#inflight += waiter.records;
      waiter.resolve();
    }
  }

  /** Rejects every waiting and future `acquire` with `err`. */
  close(err: Error): void {
    this.#closedWith = err;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
  }
}
