/**
 * Cancelling a wait with an `AbortSignal`. Aborting cancels the *wait*, never the operation: a record whose
 * acknowledgment is no longer awaited stays in flight and is still acknowledged (or replayed) as usual, and
 * the stream stays usable. That is why this helper only races the promise; it never touches what is behind it.
 *
 * The rejection is what `fetch` and the Web platform use: a `DOMException` named `"AbortError"`, so callers
 * can test `err.name === "AbortError"` whatever produced it. The signal's `reason` is kept as `cause`.
 */

/** Options accepted by every wait (`waitForAck`, `waitForOffset`, `flush`, `close`, `ingestAll`). */
export interface WaitOptions {
  /** Aborting it rejects the wait with an `AbortError`; the records and the stream are left alone. */
  signal?: AbortSignal | undefined;
}

/** Extra hooks of {@link abortable}. */
export interface AbortableOptions {
  /**
   * Called once if the signal aborts before the promise settles, e.g. to remove a waiter from a queue so
   * that it does not hold a timer or keep the stream in a waiting state until its own timeout.
   */
  onAbort?: (() => void) | undefined;
}

/**
 * The error an aborted wait rejects with: a `DOMException` named `"AbortError"` (code 20), whose `cause`
 * is the signal's `reason` (what `controller.abort(reason)` was given, or the default AbortError).
 */
export function abortError(signal?: AbortSignal, what = "The wait"): DOMException {
  const error = new DOMException(`${what} was aborted`, "AbortError");
  if (signal && signal.reason !== undefined) {
    // Set by hand: the DOMException constructor only takes `cause` from Node 20 on.
    Object.defineProperty(error, "cause", { value: signal.reason, configurable: true, writable: true });
  }
  return error;
}

/** Whether `err` is the rejection of an aborted wait (from this SDK, `fetch`, or Node's own APIs). */
export function isAbortError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "AbortError";
}

/**
 * Races `promise` against `signal`: settles as `promise` does, or rejects with {@link abortError} as soon as
 * the signal aborts (at once if it already has). The abort listener is removed when either happens, so a
 * long-lived signal shared by many waits does not accumulate listeners. A later rejection of `promise`
 * after an abort is handled here and never becomes an unhandled rejection.
 *
 * Without a signal, `promise` itself is returned: the common path costs nothing.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined | null, options: AbortableOptions = {}): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    options.onAbort?.();
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      options.onAbort?.();
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (settled) return;
        settled = true;
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (settled) return;
        settled = true;
        reject(err);
      },
    );
  });
}

/** Throws {@link abortError} if `signal` has aborted: for loops that check between steps. */
export function throwIfAborted(signal: AbortSignal | undefined | null, what?: string): void {
  if (signal?.aborted) throw abortError(signal, what);
}

/**
 * Splits the argument of `waitForAck`, which takes either the Python SDK's `timeoutSec` number or an
 * options object `{ timeoutSec?, signal? }`.
 */
export function waitForAckArguments(arg: number | (WaitOptions & { timeoutSec?: number | undefined }) | undefined | null): {
  timeoutSec: number | undefined;
  signal: AbortSignal | undefined;
} {
  if (arg === undefined || arg === null) return { timeoutSec: undefined, signal: undefined };
  if (typeof arg === "number") return { timeoutSec: arg, signal: undefined };
  return { timeoutSec: arg.timeoutSec ?? undefined, signal: arg.signal ?? undefined };
}
