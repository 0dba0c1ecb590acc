/**
 * Writes a list of ASCII JSON records as the body of a batch's `repeated string records = 1` field with one
 * copy in native code, instead of one UTF-8 write per record.
 *
 * Why: writing 1,000 short strings into a buffer one by one costs a call into native code per record, and
 * that was a third of the client's CPU on JSON batches. Most JSON is ASCII, and for ASCII text the UTF-8
 * bytes are the characters themselves. So the field tags and length prefixes are spliced in as characters
 * (every byte value is one Latin-1 character), and the list is joined into strings of about 16 KiB, each
 * copied into the request with one Latin-1 write.
 */

import { SIZE_IS_LENGTH, type BatchSizes } from "./batch-sizes.js";

const RECORD_TAG = "\n"; // field 1, wire type 2 (length-delimited)
const CACHED_PREFIXES = 1 << 14; // every length whose varint takes one or two bytes
const prefixes: Array<string | undefined> = [];

/** The tag and varint length of a record of `length` bytes, as Latin-1 characters. */
function recordPrefix(length: number): string {
  if (length < CACHED_PREFIXES) return (prefixes[length] ??= buildPrefix(length));
  return buildPrefix(length);
}

function buildPrefix(length: number): string {
  let prefix = RECORD_TAG;
  while (length >= 0x80) {
    prefix += String.fromCharCode((length % 0x80) | 0x80);
    length = Math.floor(length / 0x80);
  }
  return prefix + String.fromCharCode(length);
}

/**
 * Whether `records[from..to)` are all strings of ASCII text, given each record's UTF-8 size: a string is ASCII exactly when its UTF-8 size equals its length, since any other
 * character takes two bytes or more.
 */
export function isAsciiText(records: readonly unknown[], sizes: BatchSizes, from: number, to: number): records is readonly string[] {
  for (let i = from; i < to; i++) {
    const record = records[i];
    if (typeof record !== "string" || (sizes !== SIZE_IS_LENGTH && record.length !== sizes[i])) return false;
  }
  return true;
}

/**
 * Size in bytes of the framed list of `records`, assuming every record is ASCII text; `undefined` if some
 * record is not a string. Whether they really are ASCII is checked by {@link writeAsciiRecordList}.
 */
export function asciiRecordListSize(records: readonly unknown[]): number | undefined {
  let size = 0;
  for (const record of records) {
    if (typeof record !== "string") return undefined;
    size += recordPrefix(record.length).length + record.length;
  }
  return size;
}

/** Characters joined per native write: large enough to amortize the call, small enough to die young. */
const CHUNK_CHARS = 16 * 1024;

/**
 * Writes the framed list of `records[from..to)` at `pos`, joined and copied a chunk at a time (a chunk that
 * is alive when the garbage collector runs is copied by it; a whole batch's text would be). Returns the
 * position after it, or `undefined` when `verify` is set and some record turns out not to be ASCII: each
 * chunk's UTF-8 size is then more than its prefixes' own high bytes explain, since every non-ASCII character
 * takes at least two bytes. Without `verify`, the caller knows the records are ASCII (see {@link isAsciiText}).
 */
export function writeAsciiRecordList(buf: Buffer, pos: number, records: readonly string[], from: number, to: number, verify = false): number | undefined {
  const parts: string[] = [];
  let chars = 0;
  let highPrefixChars = 0; // varint continuation bytes: the only prefix characters ≥ 0x80
  for (let i = from; i < to; i++) {
    const record = records[i]!;
    const prefix = recordPrefix(record.length);
    parts.push(prefix, record);
    chars += prefix.length + record.length;
    highPrefixChars += prefix.length - 2;
    if (chars < CHUNK_CHARS && i < to - 1) continue;
    const text = parts.join("");
    if (verify && Buffer.byteLength(text, "utf8") !== text.length + highPrefixChars) return undefined;
    pos += buf.write(text, pos, text.length, "latin1");
    parts.length = 0;
    chars = 0;
    highPrefixChars = 0;
  }
  return pos;
}
