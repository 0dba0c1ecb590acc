/**
 * The blocking client's `RecordAcknowledgment`, shaped like the Python sync SDK's: `waitForAck()` blocks
 * and returns the offset, `isDone()` polls, `addDoneCallback()` registers a callback.
 *
 * There is no background thread in the caller's JavaScript world to run a callback on, so a done callback
 * runs in the caller's thread: at once if the record is already settled, otherwise during a later call into
 * the same stream (any method) that observes the acknowledgment or the failure.
 */
import { ZerobusException } from "../errors.js";

/** What an acknowledgment asks its stream. */
export interface AckSource {
  /** Whether the entry at `offset` is acknowledged or failed (never blocks). */
  isSettled(offset: number): boolean;
  /** The error the entry at `offset` failed with, once it has; `undefined` while pending or if acknowledged. */
  errorFor(offset: number): Error | undefined;
  /** Blocks until the entry is settled or `timeoutMs` passes; `false` on timeout. */
  waitSettled(offset: number, timeoutMs: number | undefined): boolean;
  /** Runs `callback` once the entry is settled (see the module comment). */
  onSettled(offset: number, callback: () => void): void;
}

/** The acknowledgment of one ingested record (or batch), for the blocking client. */
export class RecordAcknowledgment {
  /** The logical offset assigned to the record or batch. */
  readonly offset: bigint;
  readonly #source: AckSource;
  readonly #at: number;

  /** @internal Created by the blocking stream. */
  constructor(offset: number, source: AckSource) {
    this.offset = BigInt(offset);
    this.#at = offset;
    this.#source = source;
  }

  /** Whether the record was acknowledged or failed. */
  isDone(): boolean {
    return this.#source.isSettled(this.#at);
  }

  /** The error the record failed with, once it has failed; `undefined` otherwise. */
  get error(): Error | undefined {
    return this.#source.errorFor(this.#at);
  }

  /**
   * Blocks until the server has durably stored the record and returns its offset; throws the stream's
   * error if it failed for good. `timeoutSec` bounds the wait: a timeout throws a `ZerobusException` and
   * leaves the record in flight. May be called again.
   */
  waitForAck(timeoutSec?: number): bigint {
    if (timeoutSec !== undefined && timeoutSec !== null && !(typeof timeoutSec === "number" && timeoutSec >= 0)) {
      throw new ZerobusException(`waitForAck: timeoutSec must be a non-negative number, got ${String(timeoutSec)}`);
    }
    const timeoutMs = timeoutSec === undefined || timeoutSec === null ? undefined : timeoutSec * 1000;
    if (!this.#source.waitSettled(this.#at, timeoutMs)) {
      throw new ZerobusException(`Timed out waiting for acknowledgment of offset ${this.offset} after ${timeoutSec}s`);
    }
    const error = this.#source.errorFor(this.#at);
    if (error) throw error;
    return this.offset;
  }

  /** Calls `callback(this)` once the record is acknowledged or failed (see the module comment for when). */
  addDoneCallback(callback: (ack: RecordAcknowledgment) => void): void {
    this.#source.onSettled(this.#at, () => callback(this));
  }
}
