/**
 * Writes a list of ASCII JSON records as the body of a batch's `repeated string records = 1` field with one
 * copy in native code, instead of one UTF-8 write per record.
 *
 * Why: writing 1,000 short strings into a buffer one by one costs a call into native code per record, and
 * that was a third of the client's CPU on JSON batches. Most JSON is ASCII, and for ASCII text the UTF-8
 * bytes are the characters themselves. So the field tags and length prefixes are spliced in as characters
 * (every byte value is one Latin-1 character), the list is joined into one string, and that string is
 * copied into the request with a single Latin-1 write. The joined string lives only while the request is
 * encoded, so the garbage collector never has to move it.
 */

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
 * Whether `records[from..to)` are all strings of ASCII text, given each record's UTF-8 size (`"length"`:
 * each is its length): a string is ASCII exactly when its UTF-8 size equals its length, since any other
 * character takes two bytes or more.
 */
export function isAsciiText(records: readonly unknown[], sizes: readonly number[] | "length", from: number, to: number): records is readonly string[] {
  for (let i = from; i < to; i++) {
    const record = records[i];
    if (typeof record !== "string" || (sizes !== "length" && record.length !== sizes[i])) return false;
  }
  return true;
}

/**
 * Writes the framed list of ASCII `records[from..to)` (see {@link isAsciiText}) at `pos`; returns the
 * position after it.
 */
export function writeAsciiRecordList(buf: Buffer, pos: number, records: readonly string[], from: number, to: number): number {
  const text = joinRecordList(records, from, to).text;
  return pos + buf.write(text, pos, text.length, "latin1");
}

/**
 * The framed list of `records` as Latin-1 text, if every record is a string of ASCII text; `undefined`
 * otherwise. Measuring and framing in one pass: the prefixes assume ASCII, and one UTF-8 measurement of the
 * joined text checks it (each non-ASCII character adds at least one byte beyond what the prefixes' own high
 * bytes explain).
 */
export function frameAsciiRecords(records: readonly unknown[]): string | undefined {
  for (const record of records) if (typeof record !== "string") return undefined;
  const { text, highPrefixChars } = joinRecordList(records as readonly string[], 0, records.length);
  return Buffer.byteLength(text, "utf8") === text.length + highPrefixChars ? text : undefined;
}

function joinRecordList(records: readonly string[], from: number, to: number): { text: string; highPrefixChars: number } {
  const parts = new Array<string>(2 * (to - from));
  let highPrefixChars = 0; // varint continuation bytes: the only prefix characters ≥ 0x80
  for (let i = from, k = 0; i < to; i++, k += 2) {
    const record = records[i]!;
    const prefix = recordPrefix(record.length);
    parts[k] = prefix;
    parts[k + 1] = record;
    highPrefixChars += prefix.length - 2;
  }
  return { text: parts.join(""), highPrefixChars };
}
