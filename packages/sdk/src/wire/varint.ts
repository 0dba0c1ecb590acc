/**
 * Protobuf base-128 varints, sized and written straight into a caller's buffer.
 * Offsets on the wire are int64, but a stream never comes near 2^53 requests, so the hot path works on
 * plain numbers; negative values (which encode as ten bytes) take the slower bigint route.
 */

/** Bytes needed to encode `value` as a varint (unsigned interpretation of int64). */
export function varintSize(value: number): number {
  if (value < 0) return 10;
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size += 1;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Writes `value` at `pos` and returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  if (value < 0) return writeBigVarint(buf, pos, BigInt.asUintN(64, BigInt(value)));
  while (value >= 0x80) {
    buf[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[pos++] = value;
  return pos;
}

function writeBigVarint(buf: Uint8Array, pos: number, value: bigint): number {
  while (value >= 0x80n) {
    buf[pos++] = Number(value & 0x7fn) | 0x80;
    value >>= 7n;
  }
  buf[pos++] = Number(value);
  return pos;
}

/** A varint read from a buffer: its value (as int64) and the position after it. */
export interface VarintRead {
  value: bigint;
  next: number;
}

/** Reads a varint at `pos`, interpreting it as a signed 64-bit integer. Throws on truncation. */
export function readVarint(buf: Uint8Array, pos: number): VarintRead {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new RangeError("truncated varint");
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return { value: BigInt.asIntN(64, result), next: pos };
    shift += 7n;
  }
  throw new RangeError("varint longer than 10 bytes");
}
