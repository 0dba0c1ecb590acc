/**
 * Writes deletion vectors for tests, independently of the reader: Delta's portable
 * RoaringBitmapArray (magic number, bucket count, 32-bit Roaring bitmaps with array, bitmap or run
 * containers) and the deletion-vector file framing. Not used by production code.
 */
import { writeFile } from "node:fs/promises";
import { crc32 } from "../crc32.js";
import { ROARING_BITMAP_ARRAY_MAGIC } from "../roaring-bitmap-array.js";

/** Which container to use for every 2^16 block: array/bitmap by size (Roaring's rule), or runs. */
export type ContainerChoice = "auto" | "run";

/** Serializes sorted, distinct row indexes as a portable RoaringBitmapArray. */
export function encodeRoaringBitmapArray(rows: readonly number[], choice: ContainerChoice = "auto"): Uint8Array {
  const buckets = new Map<number, number[]>();
  for (const row of rows) {
    const high = Math.floor(row / 2 ** 32);
    if (!buckets.has(high)) buckets.set(high, []);
    buckets.get(high)!.push(row % 2 ** 32);
  }
  const parts: Uint8Array[] = [u32(ROARING_BITMAP_ARRAY_MAGIC), u64(buckets.size)];
  for (const [high, lows] of [...buckets].sort((a, b) => a[0] - b[0])) parts.push(u32(high), roaring32(lows, choice));
  return concat(parts);
}

function roaring32(values: readonly number[], choice: ContainerChoice): Uint8Array {
  const containers = new Map<number, number[]>();
  for (const value of values) {
    const key = value >>> 16;
    if (!containers.has(key)) containers.set(key, []);
    containers.get(key)!.push(value & 0xffff);
  }
  const entries = [...containers].sort((a, b) => a[0] - b[0]);
  const header: Uint8Array[] = [];
  if (choice === "run") {
    header.push(u32(12347 | ((entries.length - 1) << 16)), new Uint8Array(Math.ceil(entries.length / 8)).fill(0xff));
  } else header.push(u32(12346), u32(entries.length));
  for (const [key, lows] of entries) header.push(u16(key), u16(lows.length - 1));
  const bodies = entries.map(([, lows]) => (choice === "run" ? runContainer(lows) : lows.length <= 4096 ? concat(lows.map(u16)) : bitmapContainer(lows)));
  if (choice !== "run" || entries.length >= 4) {
    let offset = header.reduce((sum, part) => sum + part.length, 0) + 4 * entries.length;
    for (const body of bodies) {
      header.push(u32(offset));
      offset += body.length;
    }
  }
  return concat([...header, ...bodies]);
}

function runContainer(lows: readonly number[]): Uint8Array {
  const runs: Array<[number, number]> = [];
  for (const low of lows) {
    const last = runs.at(-1);
    if (last !== undefined && last[0] + last[1] + 1 === low) last[1]++;
    else runs.push([low, 0]);
  }
  return concat([u16(runs.length), ...runs.flatMap(([start, lengthMinusOne]) => [u16(start), u16(lengthMinusOne)])]);
}

function bitmapContainer(lows: readonly number[]): Uint8Array {
  const bits = new Uint8Array(8192);
  for (const low of lows) bits[low >> 3]! |= 1 << (low & 7);
  return bits;
}

/**
 * Writes a deletion vector file holding `bitmaps` (format version 1, then per bitmap a big-endian
 * size, the bitmap and its big-endian CRC-32) and returns each bitmap's offset for the descriptor.
 */
export async function writeDeletionVectorFile(path: string, bitmaps: readonly Uint8Array[]): Promise<number[]> {
  const parts: Uint8Array[] = [Uint8Array.of(1)];
  const offsets: number[] = [];
  let offset = 1;
  for (const bitmap of bitmaps) {
    offsets.push(offset);
    parts.push(u32BigEndian(bitmap.length), bitmap, u32BigEndian(crc32(bitmap)));
    offset += 8 + bitmap.length;
  }
  await writeFile(path, concat(parts));
  return offsets;
}

function u16(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, true);
  return out;
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function u32BigEndian(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
