/**
 * `RecordAcknowledgment`: the handle `ingestRecord` returns, shaped like the Python SDK's
 * (`waitForAck`, `addDoneCallback`, `isDone`). Its offset is known at once; the acknowledgment comes later.
 */
import { ZerobusException } from "./errors.js";
import { abortable, waitForAckArguments, type WaitOptions } from "./node-streams/abortable.js";

type DoneCallback = (ack: RecordAcknowledgment) => void;

/** The acknowledgment of one ingested record (or batch). */
export class RecordAcknowledgment {
  /** The logical offset assigned to the record: stable for the life of the stream, across reconnects. */
  readonly offset: bigint;
  #settled = false;
  #error: Error | undefined;
  #promise: Promise<bigint> | undefined;
  #resolve: ((offset: bigint) => void) | undefined;
  #reject: ((err: Error) => void) | undefined;
  #callbacks: DoneCallback[] | undefined;

  /** @internal Created by the stream; users receive it from `ingestRecord`. */
  constructor(offset: bigint) {
    this.offset = offset;
  }

  /** Whether the record was acknowledged or failed. */
  isDone(): boolean {
    return this.#settled;
  }

  /** The error the record failed with, once it has failed; `undefined` otherwise. */
  get error(): Error | undefined {
    return this.#error;
  }

  /**
   * Resolves with the record's offset once the server has durably stored it; rejects with the stream's
   * error if it failed for good. `timeoutSec` bounds the wait (a timeout leaves the record in flight); it
   * may be given as a number (Python style) or as `{ timeoutSec, signal }`. Aborting the signal rejects with
   * an `AbortError` and leaves the record in flight.
   */
  waitForAck(options?: number | (WaitOptions & { timeoutSec?: number | undefined })): Promise<bigint> {
    const { timeoutSec, signal } = waitForAckArguments(options);
    return abortable(this.#waitForAck(timeoutSec), signal);
  }

  #waitForAck(timeoutSec: number | undefined): Promise<bigint> {
    const promise = this.#getPromise();
    if (timeoutSec === undefined || timeoutSec === null || this.#settled) return promise;
    if (typeof timeoutSec !== "number" || !(timeoutSec >= 0)) {
      return Promise.reject(new ZerobusException(`waitForAck: timeoutSec must be a non-negative number, got ${String(timeoutSec)}`));
    }
    return new Promise<bigint>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ZerobusException(`Timed out waiting for acknowledgment of offset ${this.offset} after ${timeoutSec}s`)),
        timeoutSec * 1000,
      );
      promise.then(
        (v) => (clearTimeout(timer), resolve(v)),
        (e: Error) => (clearTimeout(timer), reject(e)),
      );
    });
  }

  /** Calls `callback(this)` once the record is acknowledged or failed (at once, asynchronously, if it is). */
  addDoneCallback(callback: DoneCallback): void {
    if (this.#settled) {
      queueMicrotask(() => callback(this));
      return;
    }
    (this.#callbacks ??= []).push(callback);
  }

  /** @internal Marks the record durable. */
  _resolve(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve?.(this.offset);
    this.#runCallbacks();
  }

  /** @internal Marks the record failed for good. */
  _reject(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#error = err;
    this.#reject?.(err);
    this.#runCallbacks();
  }

  #getPromise(): Promise<bigint> {
    if (!this.#promise) {
      if (this.#settled) {
        this.#promise = this.#error ? Promise.reject(this.#error) : Promise.resolve(this.offset);
      } else {
        this.#promise = new Promise<bigint>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      }
    }
    return this.#promise;
  }

  #runCallbacks(): void {
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    for (const cb of callbacks ?? []) {
      try {
        cb(this);
      } catch {
        // A user callback must not break ack processing.
      }
    }
  }
}
