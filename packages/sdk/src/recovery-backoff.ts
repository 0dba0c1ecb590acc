/**
 * The pause before a reconnect attempt: exponential from `recoveryBackoffMs`, capped, with full jitter
 * (a uniformly random delay between 0 and the exponential bound).
 *
 * Why jitter: the official core waits a fixed `recovery_backoff_ms`, so when a service restarts every client
 * that lost it retries in the same instant, again and again (upstream issue #192). Spreading each retry over
 * the whole interval breaks that lockstep; the exponential bound keeps a client that keeps failing from
 * hammering a service that is down. Why 30 s: the cap upstream proposed (pull request #390), long enough
 * to let a restarting service come back, short enough that a healed service is found quickly.
 */

/** The longest pause between attempts, unless `recoveryBackoffMs` itself is longer. */
export const MAX_RECOVERY_BACKOFF_MS = 30_000;

/** A source of floats in [0, 1); `Math.random` unless a test injects a seeded one. */
export type RandomSource = () => number;

/**
 * The upper bound of the pause after `failures` consecutive failed attempts (1-based):
 * `min(cap, baseMs × 2^(failures − 1))`, where the cap is 30 s or `baseMs` if that is longer.
 */
export function recoveryBackoffBoundMs(failures: number, baseMs: number): number {
  const cap = Math.max(MAX_RECOVERY_BACKOFF_MS, baseMs);
  if (failures < 1 || baseMs <= 0) return 0;
  // 2^30 ms is far past any cap: stop doubling before the exponent makes the product imprecise.
  const exponent = Math.min(failures - 1, 30);
  return Math.min(cap, baseMs * 2 ** exponent);
}

/**
 * The pause before the next attempt after `failures` consecutive failed attempts: a uniformly random whole
 * number of milliseconds in [0, {@link recoveryBackoffBoundMs}]. No failures, no pause.
 */
export function recoveryBackoffMs(failures: number, baseMs: number, random: RandomSource = Math.random): number {
  const bound = recoveryBackoffBoundMs(failures, baseMs);
  return Math.floor(random() * (bound + 1));
}
