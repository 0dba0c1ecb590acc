/**
 * A fixed-size histogram with logarithmic buckets, for latency percentiles at O(1) cost per sample and a
 * constant memory footprint however many samples it sees: no arrays of samples, no sorting.
 *
 * Buckets split every power of two into {@link SUB_BUCKETS} equal ratios, from 2^-10 ms (~1 µs) up to
 * 2^22 ms (~70 min), plus one bucket below and one above that range. A percentile is read as its bucket's
 * geometric middle, so it is within about 4.4% of the true value (half a bucket's ratio, 2^(1/16)); it is
 * also clamped to the exact minimum and maximum, which are kept on the side.
 */

/** Buckets per power of two: 8 gives ~9% wide buckets. */
export const SUB_BUCKETS = 8;
const MIN_EXP = -10;
const MAX_EXP = 22;
const RANGE_BUCKETS = (MAX_EXP - MIN_EXP) * SUB_BUCKETS;
const MIN_VALUE = 2 ** MIN_EXP;

/** A summary of the recorded values. `NaN`-free: every field is 0 when nothing was recorded. */
export interface HistogramSummary {
  /** Number of samples (weights summed). */
  readonly count: number;
  /** Smallest sample. */
  readonly min: number;
  /** Largest sample. */
  readonly max: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Median. */
  readonly p50: number;
  /** 90th percentile. */
  readonly p90: number;
  /** 99th percentile. */
  readonly p99: number;
}

/** See the module comment. */
export class LogHistogram {
  // [0] holds values below MIN_VALUE (including 0), [RANGE_BUCKETS + 1] values at or above 2^MAX_EXP.
  readonly #counts = new Float64Array(RANGE_BUCKETS + 2);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Records `value` (non-negative; negative and NaN values are ignored) `weight` times. */
  record(value: number, weight = 1): void {
    if (!(value >= 0) || !(weight > 0)) return;
    this.#counts[bucketOf(value)]! += weight;
    this.#count += weight;
    this.#sum += value * weight;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Number of samples recorded. */
  get count(): number {
    return this.#count;
  }

  /** The `p`-th percentile (0–100) of the recorded values; 0 if there are none. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    if (p <= 0) return this.#min;
    if (p >= 100) return this.#max;
    const rank = (p / 100) * this.#count;
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, representative(i)));
    }
    return this.#max;
  }

  /** Count, min, max, mean and the 50th, 90th and 99th percentiles. */
  summary(): HistogramSummary {
    if (this.#count === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0 };
    return {
      count: this.#count,
      min: this.#min,
      max: this.#max,
      mean: this.#sum / this.#count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
    };
  }
}

function bucketOf(value: number): number {
  if (value < MIN_VALUE) return 0;
  const index = Math.floor((Math.log2(value) - MIN_EXP) * SUB_BUCKETS);
  return index >= RANGE_BUCKETS ? RANGE_BUCKETS + 1 : index + 1;
}

/** The geometric middle of bucket `i`; the under- and overflow buckets answer the exact min and max (by clamping). */
function representative(i: number): number {
  if (i === 0) return 0;
  if (i === RANGE_BUCKETS + 1) return Infinity;
  return 2 ** (MIN_EXP + (i - 1 + 0.5) / SUB_BUCKETS);
}
