/**
 * Strict UTF-8 for record text. Node decodes invalid UTF-8 into U+FFFD without a word, so a value with a
 * bad byte would be stored changed. The checks here cost one `includes("\uFFFD")` per string on the hot
 * path: only text holding a U+FFFD (a real one, or a replacement) has its bytes looked at.
 */
import * as buffer from "node:buffer";

/** JSON record text whose bytes are not valid UTF-8; `text` is the lenient decoding. */
export class InvalidUtf8Text {
  constructor(
    /** The bytes decoded with U+FFFD replacements. */
    readonly text: string,
    /** Index in `text` of the first replacement character. */
    readonly charIndex: number,
    /** Offset of the first invalid byte within the record's bytes. */
    readonly byteOffset: number,
    /** That byte. */
    readonly byte: number,
  ) {}
}

// `buffer.isUtf8` exists from Node 18.14 / 19.4; elsewhere a fatal TextDecoder does the same check.
const nativeIsUtf8 = (buffer as { isUtf8?: (input: Uint8Array) => boolean }).isUtf8;
const fatalDecoder = new TextDecoder("utf-8", { fatal: true });

/** True when `bytes` are valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  if (nativeIsUtf8 !== undefined) return nativeIsUtf8(bytes);
  try {
    fatalDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks `text`, decoded leniently from `bytes`: returns `undefined` when the bytes are valid UTF-8,
 * otherwise where the first invalid byte is.
 */
export function findInvalidUtf8(text: string, bytes: Uint8Array): InvalidUtf8Text | undefined {
  if (!text.includes("\uFFFD") || isValidUtf8(bytes)) return undefined;
  const bad = firstInvalidByte(bytes);
  const charIndex = Buffer.from(bytes.buffer, bytes.byteOffset, bad).toString("utf8").length;
  return new InvalidUtf8Text(text, charIndex, bad, bytes[bad] ?? 0);
}

/**
 * The JSON text of a record whose bytes are `bytes[start..end)`: the text itself when valid, an
 * `InvalidUtf8Text` naming the first bad byte otherwise. For the wire layer's JSON records.
 */
export function jsonRecordText(bytes: Buffer, start: number, end: number): string | InvalidUtf8Text {
  const text = bytes.toString("utf8", start, end);
  return findInvalidUtf8(text, bytes.subarray(start, end)) ?? text;
}

/** Describes the first bad byte for a refusal: `byte 0xFF at offset 12`. */
export function describeInvalidUtf8(found: InvalidUtf8Text): string {
  return `invalid UTF-8: byte 0x${found.byte.toString(16).toUpperCase().padStart(2, "0")} at offset ${found.byteOffset} of the record`;
}

/**
 * Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). Linear; used only once a record is known to be invalid.
 */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += length;
  }
  return bytes.length;
}
