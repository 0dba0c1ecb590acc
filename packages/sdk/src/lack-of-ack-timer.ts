/**
 * The lack-of-ack timer (`serverLackOfAckTimeoutMs`): one timer per stream, armed only while requests are in
 * flight, restarted by every ack that makes progress, so idle streams and busy ones cost no timer per record.
 */

/** See the module comment. */
export class LackOfAckTimer {
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A timer that fires after `timeoutMs` without progress. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Starts counting, unless already counting; `onTimeout` is called once if no progress comes in time. */
  arm(onTimeout: () => void): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      onTimeout();
    }, this.#timeoutMs);
  }

  /** An ack made progress: count again from now while requests are still in flight, else stop. */
  progress(stillInFlight: boolean): void {
    if (!this.#timer) return;
    if (stillInFlight) this.#timer.refresh();
    else this.stop();
  }

  /** Stops counting. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
