/**
 * The blocking client's copy of the stream's in-flight window, kept in the caller's thread so that an
 * ingest call never has to ask the worker whether there is room: it only blocks (in `Atomics.wait`) when
 * the window is full, exactly when the async API's ingest would wait.
 *
 * Entries (ingest calls) get consecutive logical offsets from 0, so the records of entry `k` are simply
 * the k-th count pushed; an acknowledgment up to offset N releases the counts of entries up to N. The
 * admission rule is the engine's: an entry fits if the window is empty or it fits in the room left. This
 * copy always counts at least what the engine counts (acks reach it later), so the engine's own window
 * never makes the worker wait.
 */

/** See the module comment. */
export class SyncWindow {
  readonly #maxRecords: number;
  #counts: number[] = [];
  #head = 0;
  #inflight = 0;
  #acked = -1;

  /** A window of `maxRecords` records (the stream's `maxInflightRecords`). */
  constructor(maxRecords: number) {
    this.#maxRecords = maxRecords;
  }

  /** Records ingested and not yet acknowledged, as far as this thread knows. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Whether an entry of `records` records may be admitted now. */
  fits(records: number): boolean {
    return this.#inflight === 0 || this.#inflight + records <= this.#maxRecords;
  }

  /** Admits the next entry (the caller checked {@link SyncWindow.fits} or waited for it). */
  add(records: number): void {
    this.#counts.push(records);
    this.#inflight += records;
  }

  /** Releases every entry up to logical offset `offset` (a repeated or stale offset changes nothing). */
  acknowledge(offset: number): void {
    while (this.#acked < offset && this.#head < this.#counts.length) {
      this.#inflight -= this.#counts[this.#head++]!;
      this.#acked++;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#counts.length) {
      this.#counts = this.#counts.slice(this.#head);
      this.#head = 0;
    }
  }
}
