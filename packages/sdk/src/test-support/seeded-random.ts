/**
 * A seeded pseudo-random generator for fault tests and the soak: the same seed gives the same sequence of
 * choices, so a failing run can be replayed exactly with its printed seed. Mulberry32: tiny, fast, and
 * good enough for picking fault points (it is not for cryptography).
 */

/** A deterministic source of random choices. */
export interface SeededRandom {
  /** The seed this generator started from (print it with every failure). */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a generator from a 32-bit seed (other numbers are truncated to 32 bits). */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick: empty list");
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
