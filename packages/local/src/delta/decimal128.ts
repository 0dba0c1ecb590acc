/**
 * Decimal128 values as Arrow stores them: 16 bytes per value, little-endian two's complement, viewed
 * here as four little-endian 32-bit words. apache-arrow's JS builders cannot make Decimal vectors from
 * bigints, so the writer fills the words itself and the reader decodes them.
 */

const WORD = 0x1_0000_0000n;
const TWO_128 = 1n << 128n;
const MAX_128 = (1n << 127n) - 1n;

/** Writes `value` (an unscaled decimal) into `words` at value index `index`. */
export function writeDecimal128(words: Uint32Array, index: number, value: bigint): void {
  if (value > MAX_128 || value < -(1n << 127n)) throw new RangeError(`Decimal ${value} does not fit in 128 bits`);
  let rest = value < 0n ? value + TWO_128 : value;
  const base = index * 4;
  for (let word = 0; word < 4; word++) {
    words[base + word] = Number(rest % WORD);
    rest /= WORD;
  }
}

/** Reads the unscaled decimal at value index `index` from `words` (`wordsPerValue` 4 or 8). */
export function readDecimal(words: Uint32Array, index: number, wordsPerValue = 4): bigint {
  const base = index * wordsPerValue;
  let value = 0n;
  for (let word = wordsPerValue - 1; word >= 0; word--) value = value * WORD + BigInt(words[base + word]!);
  const bits = BigInt(wordsPerValue * 32);
  return words[base + wordsPerValue - 1]! >= 0x8000_0000 ? value - (1n << bits) : value;
}
