/**
 * How many connection attempts a stream has left, and how long to wait before the next one.
 *
 * A connection counts as a success only once it has proven itself: an ack advanced on it, or it stayed up
 * for `recoveryTimeoutMs`. A handshake alone proves nothing: a server that answers `create_stream` and then
 * fails every call would otherwise reset the budget and the backoff on every connect, and one stream would
 * open thousands of connections a second. So the engine reports a connection that ended unproven as a
 * failed attempt, the budget keeps counting across reconnects, and only progress gives it back in full.
 */
import type { ZerobusException } from "./errors.js";
import { recoveryBackoffMs, type RandomSource } from "./recovery-backoff.js";

/** What a {@link RetryBudget} is built from. */
export interface RetryBudgetOptions {
  /** Attempts in all before giving up (1 + recoveryRetries, or 1 without recovery). */
  attempts: number;
  /** The base of the exponential backoff (`recoveryBackoffMs`). */
  backoffMs: number;
  /** Injected by tests for reproducible delays. */
  random?: RandomSource | undefined;
}

/** Consecutive failed attempts since the last progress, and the pause they call for. */
export class RetryBudget {
  readonly attempts: number;
  readonly #backoffMs: number;
  readonly #random: RandomSource;
  #failures = 0;
  #nextDelayMs = 0;
  #lastError: ZerobusException | undefined;

  /** A full budget. */
  constructor(options: RetryBudgetOptions) {
    this.attempts = options.attempts;
    this.#backoffMs = options.backoffMs;
    this.#random = options.random ?? Math.random;
  }

  /** Failed attempts since the last progress. */
  get failures(): number {
    return this.#failures;
  }

  /** Whether no attempt is left. */
  get exhausted(): boolean {
    return this.#failures >= this.attempts;
  }

  /** The pause before the next attempt (0 when nothing failed since the last progress). */
  get nextDelayMs(): number {
    return this.#nextDelayMs;
  }

  /** The error of the last failed attempt. */
  get lastError(): ZerobusException | undefined {
    return this.#lastError;
  }

  /** Counts a failed attempt and draws the pause before the next one. */
  fail(error: ZerobusException): void {
    this.#failures++;
    this.#lastError = error;
    this.#nextDelayMs = recoveryBackoffMs(this.#failures, this.#backoffMs, this.#random);
  }

  /** The stream made progress: the budget is full again and the next attempt starts at once. */
  progress(): void {
    this.#failures = 0;
    this.#nextDelayMs = 0;
    this.#lastError = undefined;
  }
}
