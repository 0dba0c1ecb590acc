/**
 * Decodes Delta's `RoaringBitmapArray`, the set of row indexes a deletion vector holds (protocol
 * appendix "Deletion Vector Format"). Two layouts exist:
 * - portable (what the protocol specifies and Spark writes to files): a little-endian magic number,
 *   then a 64-bit Roaring bitmap in the portable format of the RoaringFormatSpec — a count of 32-bit
 *   buckets, each a high-half key followed by a standard 32-bit Roaring bitmap;
 * - native (the protocol's own inline example uses it): a big-endian magic number one lower, a
 *   big-endian count of 32-bit bitmaps, then each bitmap after its big-endian byte size, the i-th
 *   holding the rows whose high half is i.
 * A 32-bit Roaring bitmap is a header plus array, bitmap or run containers of 2^16 values each.
 *
 * Written here rather than taken from a Roaring library: reading is all Delta needs, and the format
 * is small and fixed.
 */

/** The magic number that starts a serialized RoaringBitmapArray in the portable format (little-endian). */
export const ROARING_BITMAP_ARRAY_MAGIC = 1681511377;
/** The magic number of the native format (big-endian). */
export const NATIVE_ROARING_BITMAP_ARRAY_MAGIC = 1681511376;

// 32-bit Roaring cookies.
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
// With run containers, the offset header is only present from this many containers on.
const NO_OFFSET_THRESHOLD = 4;
// An array container holds at most this many values; more are stored as a 2^16-bit bitmap.
const MAX_ARRAY_CONTAINER = 4096;

/**
 * The row indexes of a serialized RoaringBitmapArray, ascending.
 *
 * @throws RangeError when the bytes are truncated, have the wrong magic number, or break the format.
 */
export function decodeRoaringBitmapArray(bytes: Uint8Array): number[] {
  const reader = new ByteReader(bytes);
  const magic = reader.u32();
  if (magic === ROARING_BITMAP_ARRAY_MAGIC) return decodePortable(reader);
  reader.rewind();
  if (reader.u32BigEndian() === NATIVE_ROARING_BITMAP_ARRAY_MAGIC) return decodeNative(reader);
  throw new RangeError(`Unknown deletion vector format (magic number ${magic}, expected ${ROARING_BITMAP_ARRAY_MAGIC})`);
}

function decodeNative(reader: ByteReader): number[] {
  const count = reader.u32BigEndian();
  const out: number[] = [];
  for (let high = 0; high < count; high++) {
    const size = reader.u32BigEndian();
    const end = reader.position + size;
    readRoaring32(reader, high * 2 ** 32, out);
    if (reader.position !== end) throw new RangeError(`Bitmap ${high} is not ${size} bytes long`);
  }
  return out;
}

function decodePortable(reader: ByteReader): number[] {
  const buckets = reader.u64();
  const out: number[] = [];
  let previous = -1;
  for (let b = 0; b < buckets; b++) {
    const high = reader.u32();
    // The protocol requires the top bit of every key to be 0 (Java reads keys signed).
    if (high > 0x7fff_ffff || high <= previous) throw new RangeError(`Invalid bucket key ${high}`);
    previous = high;
    readRoaring32(reader, high * 2 ** 32, out);
  }
  return out;
}

// One 32-bit Roaring bitmap; its values, plus `base`, are appended to `out` in ascending order.
function readRoaring32(reader: ByteReader, base: number, out: number[]): void {
  const cookie = reader.u32();
  let size: number;
  let runFlags: Uint8Array | null = null;
  let hasOffsets: boolean;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runFlags = reader.bytes(Math.ceil(size / 8));
    hasOffsets = size >= NO_OFFSET_THRESHOLD;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = reader.u32();
    hasOffsets = true;
  } else {
    throw new RangeError(`Invalid Roaring cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(reader.u16());
    cardinalities.push(reader.u16() + 1);
  }
  if (hasOffsets) reader.skip(4 * size); // containers are read in order, so offsets are not needed
  for (let i = 0; i < size; i++) {
    const high = base + keys[i]! * 0x1_0000;
    if (runFlags !== null && (runFlags[i >> 3]! & (1 << (i & 7))) !== 0) readRunContainer(reader, high, out);
    else if (cardinalities[i]! <= MAX_ARRAY_CONTAINER) {
      for (let v = 0; v < cardinalities[i]!; v++) out.push(high + reader.u16());
    } else readBitmapContainer(reader, high, out);
  }
}

function readRunContainer(reader: ByteReader, high: number, out: number[]): void {
  const runs = reader.u16();
  for (let r = 0; r < runs; r++) {
    const start = reader.u16();
    const length = reader.u16() + 1;
    if (start + length > 0x1_0000) throw new RangeError("A Roaring run goes past its container");
    for (let v = start; v < start + length; v++) out.push(high + v);
  }
}

function readBitmapContainer(reader: ByteReader, high: number, out: number[]): void {
  // 1024 little-endian 64-bit words, read as 2048 32-bit halves in the same bit order.
  for (let word = 0; word < 2048; word++) {
    let bits = reader.u32();
    while (bits !== 0) {
      const lowest = bits & -bits;
      out.push(high + word * 32 + (31 - Math.clz32(lowest)));
      bits = (bits ^ lowest) >>> 0;
    }
  }
}

// Reads (little-endian unless named otherwise) with bounds checks.
class ByteReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get position(): number {
    return this.at;
  }

  rewind(): void {
    this.at = 0;
  }

  u32BigEndian(): number {
    this.need(4);
    const value = this.view.getUint32(this.at);
    this.at += 4;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.at, true);
    this.at += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.at, true);
    this.at += 8;
    if (value > 0x7fff_ffffn) throw new RangeError(`Implausible bucket count ${value}`);
    return Number(value);
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const out = this.data.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  skip(length: number): void {
    this.need(length);
    this.at += length;
  }

  private need(length: number): void {
    if (this.at + length > this.data.length) throw new RangeError("The Roaring bitmap is truncated");
  }
}
