/**
 * Promises waiting for the acknowledged logical offset to reach a target (`flush`, `waitForOffset`).
 * Kept sorted by target so each ack settles the satisfied waiters from the front: targets usually arrive in
 * increasing order, making insertion O(1) in practice.
 */
import { GrpcStatus, ZerobusException } from "./errors.js";
import { abortError } from "./node-streams/abortable.js";

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** See the module comment. */
export class OffsetWaiters {
  #acked = -1;
  #waiters: Waiter[] = [];
  #failedWith: Error | undefined;

  /** The highest logical offset acknowledged so far (-1 before the first ack). */
  get acked(): number {
    return this.#acked;
  }

  /**
   * Resolves once `target` is acknowledged; rejects with a DEADLINE_EXCEEDED {@link ZerobusException} named
   * by `what` after `timeoutMs`, or with the stream's error if it fails first.
   */
  waitFor(target: number, timeoutMs: number, what: string, signal?: AbortSignal): Promise<void> {
    if (target <= this.#acked) return Promise.resolve();
    if (this.#failedWith) return Promise.reject(this.#failedWith);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const timeoutError = new ZerobusException(`${what} timed out after ${timeoutMs} ms`, {
      grpcCode: GrpcStatus.DEADLINE_EXCEEDED,
    });
    return new Promise<void>((resolve, reject) => {
      // Aborting removes the waiter (and its timer) at once; the acknowledgment it waited for is unaffected.
      const onAbort = () => {
        clearTimeout(timer);
        this.#remove(waiter);
        reject(abortError(signal));
      };
      const detach = () => signal?.removeEventListener("abort", onAbort);
      const timer = setTimeout(() => {
        detach();
        this.#remove(waiter);
        reject(timeoutError);
      }, timeoutMs);
      const waiter: Waiter = { target, resolve: () => (detach(), resolve()), reject: (err) => (detach(), reject(err)), timer };
      signal?.addEventListener("abort", onAbort, { once: true });
      let i = this.#waiters.length;
      while (i > 0 && this.#waiters[i - 1]!.target > target) i--;
      this.#waiters.splice(i, 0, waiter);
    });
  }

  /** Records that everything up to `offset` is acknowledged. */
  advance(offset: number): void {
    if (offset <= this.#acked) return;
    this.#acked = offset;
    let done = 0;
    while (done < this.#waiters.length && this.#waiters[done]!.target <= offset) done++;
    if (done === 0) return;
    for (const waiter of this.#waiters.splice(0, done)) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /** Rejects every current and future wait with `err`. */
  fail(err: Error): void {
    this.#failedWith = err;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }

  #remove(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter);
    if (i >= 0) this.#waiters.splice(i, 1);
  }
}
