/**
 * The checks and conversions of a RecordBatch's buffers (validity bitmaps, fixed-width values, offsets,
 * UTF-8, decimals) that the decoder applies to every column before anything is written.
 */
import { isUtf8 } from "node:buffer";
import { readDecimal, writeDecimal128 } from "../delta/decimal128.js";
import { decimalPrecisionProblem, parseDecimalText } from "../records/decimal-text.js";
import { InvalidBatchError } from "./invalid-batch-error.js";

export function validity(bitmap: Uint8Array, length: number, name: string): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (bitmap.length === 0) return { nullBitmap: undefined, nullCount: 0 };
  const bytes = Math.ceil(length / 8);
  if (bitmap.length < bytes) throw new InvalidBatchError(`column '${name}': validity bitmap of ${bitmap.length} bytes for ${length} rows`);
  let valid = 0;
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) valid += POPCOUNT[bitmap[i]!]!;
  if (length & 7) valid += POPCOUNT[bitmap[whole]! & ((1 << (length & 7)) - 1)]!;
  return { nullBitmap: bitmap.subarray(0, bytes), nullCount: length - valid };
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let bits = 0;
  for (let b = byte; b > 0; b >>= 1) bits += b & 1;
  return bits;
});

export function fixedWidth(buffer: Uint8Array, bytes: number, name: string): Uint8Array {
  if (buffer.length < bytes) throw new InvalidBatchError(`column '${name}': data buffer of ${buffer.length} bytes, expected ${bytes}`);
  return buffer.subarray(0, bytes);
}

// Typed-array views need their element alignment; the body arrives at an arbitrary address.
export function aligned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset % 8 === 0) return bytes;
  // A fresh copy (Buffer#slice would return another view of the same bytes).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

export function variableWidth(offsetBytes: Uint8Array, data: Uint8Array, length: number, large: boolean, name: string): { offsets: Int32Array; data: Uint8Array } {
  if (length === 0) return { offsets: new Int32Array(1), data: new Uint8Array(0) };
  const width = large ? 8 : 4;
  const raw = aligned(fixedWidth(offsetBytes, (length + 1) * width, name));
  let offsets: Int32Array;
  if (large) {
    // 64-bit offsets into a body of at most a few MiB: the high words are zero; keep the low words.
    const words = new Int32Array(raw.buffer, raw.byteOffset, (length + 1) * 2);
    offsets = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) {
      if (words[2 * i + 1] !== 0 || words[2 * i]! < 0) throw new InvalidBatchError(`column '${name}': value offset ${i} is out of range`);
      offsets[i] = words[2 * i]!;
    }
  } else {
    offsets = new Int32Array(raw.buffer, raw.byteOffset, length + 1);
  }
  const first = offsets[0]!;
  let previous = first;
  if (first < 0) throw new InvalidBatchError(`column '${name}': negative value offset`);
  for (let i = 1; i <= length; i++) {
    const offset = offsets[i]!;
    if (offset < previous) throw new InvalidBatchError(`column '${name}': value offsets decrease at row ${i - 1}`);
    previous = offset;
  }
  if (previous > data.length) throw new InvalidBatchError(`column '${name}': value offsets reach byte ${previous} of a ${data.length}-byte buffer`);
  if (first === 0) return { offsets, data: data.subarray(0, previous) };
  // Rebase a sliced column so that its offsets start at 0, as every Parquet writer assumes.
  const rebased = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) rebased[i] = offsets[i]! - first;
  return { offsets: rebased, data: data.subarray(first, previous) };
}

// Valid UTF-8 as a whole, and no value boundary inside a character: then every value is valid UTF-8.
export function checkUtf8(offsets: Int32Array, data: Uint8Array, name: string): void {
  if (!isUtf8(data)) throw new InvalidBatchError(`column '${name}' holds bytes that are not UTF-8`);
  for (let i = 1; i < offsets.length - 1; i++) {
    const at = offsets[i]!;
    if (at < data.length && (data[at]! & 0xc0) === 0x80) throw new InvalidBatchError(`column '${name}': value ${i} starts inside a UTF-8 character`);
  }
}

function isNull(bitmap: Uint8Array | undefined, nullCount: number, i: number): boolean {
  return nullCount > 0 && bitmap !== undefined && (bitmap[i >> 3]! & (1 << (i & 7))) === 0;
}

export function checkDecimals(words: Uint32Array, length: number, bitmap: Uint8Array | undefined, nullCount: number, precision: number, scale: number, name: string): void {
  for (let i = 0; i < length; i++) {
    if (isNull(bitmap, nullCount, i)) continue;
    const problem = decimalPrecisionProblem(readDecimal(words, i), precision, scale);
    if (problem !== undefined) throw new InvalidBatchError(`column '${name}', row ${i}: ${problem}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function parseDecimals(offsets: Int32Array, data: Uint8Array, length: number, bitmap: Uint8Array | undefined, nullCount: number, precision: number, scale: number, name: string): Uint32Array {
  const words = new Uint32Array(length * 4);
  for (let i = 0; i < length; i++) {
    if (isNull(bitmap, nullCount, i)) continue;
    try {
      writeDecimal128(words, i, parseDecimalText(utf8.decode(data.subarray(offsets[i]!, offsets[i + 1]!)), precision, scale));
    } catch (err) {
      throw new InvalidBatchError(`column '${name}', row ${i}: ${(err as Error).message}`);
    }
  }
  return words;
}

export function listOffsets(raw: Uint8Array, length: number, name: string): Int32Array {
  const bytes = aligned(fixedWidth(raw, (length + 1) * 4, name));
  const offsets = new Int32Array(bytes.buffer, bytes.byteOffset, length + 1);
  if (offsets[0]! < 0) throw new InvalidBatchError(`field '${name}': negative offset`);
  for (let i = 1; i <= length; i++) if (offsets[i]! < offsets[i - 1]!) throw new InvalidBatchError(`field '${name}': offsets decrease at row ${i - 1}`);
  return offsets;
}
