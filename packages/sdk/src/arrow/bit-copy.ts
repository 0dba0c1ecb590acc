/**
 * Copies a run of bits (a validity bitmap or Bool values, LSB first) so that it starts at bit 0 of its
 * destination, as an IPC body needs it: a slice of a column starts at any bit of apache-arrow's bitmap.
 */

/**
 * Writes bits `[bitOffset, bitOffset + length)` of `source` to `target` from byte `at` on, the first bit at
 * bit 0, in `ceil(length / 8)` bytes. The unused high bits of the last byte are zero (not bits of the rows
 * after the slice), and bytes past the end of `source` read as zero, so a short bitmap cannot leak anything.
 */
export function copyBits(source: Uint8Array, bitOffset: number, length: number, target: Uint8Array, at: number): void {
  const bytes = (length + 7) >>> 3;
  if (bytes === 0) return;
  const first = bitOffset >>> 3;
  const shift = bitOffset & 7;
  const available = source.length;
  if (shift === 0) {
    // Byte-aligned (every whole batch, and slices at multiples of 8 rows): one block copy.
    const end = Math.min(available, first + bytes);
    const copied = Math.max(0, end - first);
    if (copied > 0) target.set(source.subarray(first, end), at);
    if (copied < bytes) target.fill(0, at + copied, at + bytes);
  } else {
    // Each output byte takes the high bits of one source byte and the low bits of the next.
    const back = 8 - shift;
    const safe = Math.min(bytes, available - first - 1); // output bytes whose two source bytes exist
    let i = 0;
    for (; i < safe; i++) {
      const j = first + i;
      target[at + i] = ((source[j]! >>> shift) | (source[j + 1]! << back)) & 0xff;
    }
    for (; i < bytes; i++) {
      const j = first + i;
      target[at + i] = j < available ? source[j]! >>> shift : 0;
    }
  }
  const tail = length & 7;
  if (tail !== 0) target[at + bytes - 1]! &= (1 << tail) - 1;
}
