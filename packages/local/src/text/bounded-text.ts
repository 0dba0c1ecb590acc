/**
 * Bounded quoting for every refusal the service sends or logs. A refusal that echoes its input whole
 * (a 100,000-digit number, a 200,000-character key, 10,000 field names) makes a `grpc-message` too
 * large for HTTP/2 trailers: the status never arrives, the connection drops, and the client retries
 * the poison. So messages quote a short prefix of what was wrong and say how long it was, and every
 * status is capped once more at the edge (`boundMessage`).
 */

/** Characters of a value or key quoted before it is cut. */
export const QUOTE_MAX_CHARS = 64;
/** Items of a list named before the rest is only counted. */
export const LIST_MAX_ITEMS = 5;
/**
 * Longest message (status details, log line, REST error) the service produces, in UTF-8 bytes. grpc-js
 * percent-encodes non-ASCII bytes of `grpc-message` (3 characters each), so a status stays under 6 KB
 * on the wire, well inside the 8 KB a client accepts for its trailers by default.
 */
export const MESSAGE_MAX_BYTES = 2048;

/**
 * `text` as a JSON string literal when it is short; otherwise a quoted prefix of `maxChars`
 * characters followed by its length: `"12345678…" (100000 characters)`.
 */
export function quote(text: string, maxChars: number = QUOTE_MAX_CHARS): string {
  if (text.length <= maxChars) return JSON.stringify(text);
  return `${JSON.stringify(cutAt(text, maxChars))}… (${text.length} characters)`;
}

/**
 * `text` unquoted when short (for already-readable things such as a number or a type name); otherwise
 * its prefix and length: `12345678… (100000 characters)`.
 */
export function clip(text: string, maxChars: number = QUOTE_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  return `${cutAt(text, maxChars)}… (${text.length} characters)`;
}

/**
 * The first `maxItems` items, each quoted with `quote`, then how many there were:
 * `"a", "b", "c", … (10000 in all)`. `render` replaces `quote` for items that need another form.
 */
export function quoteList(
  items: readonly string[],
  maxItems: number = LIST_MAX_ITEMS,
  render: (item: string) => string = (item) => quote(item),
): string {
  const shown = items.slice(0, maxItems).map(render).join(", ");
  return items.length <= maxItems ? shown : `${shown}, … (${items.length} in all)`;
}

/** Caps a whole message at `maxBytes` of UTF-8, saying how long it was; the last safety net before sending. */
export function boundMessage(text: string, maxBytes: number = MESSAGE_MAX_BYTES): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most messages need no measuring at all.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const tail = `… (message cut: ${text.length} characters)`;
  let chars = Math.min(text.length, maxBytes - Buffer.byteLength(tail));
  let head = cutAt(text, chars);
  while (Buffer.byteLength(head) + Buffer.byteLength(tail) > maxBytes && chars > 0) {
    chars = Math.floor(chars * 0.75);
    head = cutAt(text, chars);
  }
  return head + tail;
}

// Never cuts a surrogate pair in two: half a pair is not valid UTF-8 on the wire.
function cutAt(text: string, maxChars: number): string {
  const end = Math.max(0, maxChars);
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}
