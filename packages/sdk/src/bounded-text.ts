/**
 * Keeps the SDK's error messages a few KB at most, whatever they quote. A message that embeds a server's
 * status text, a record's JSON, a key or a list of names could otherwise grow to megabytes (a 100,000-digit
 * value echoed back, 10,000 unknown field names), which no log or terminal wants. Long text is cut to a
 * prefix and says how long it was, so the reader still sees what it was about and knows it was cut.
 */

/** How many characters of quoted text a message keeps by default. */
export const DEFAULT_QUOTE_CHARS = 512;

/**
 * `text` itself when it has at most `maxChars` characters; otherwise its first `maxChars` characters
 * followed by `… (<n> characters in all)`. Never splits a surrogate pair.
 */
export function boundedText(text: string, maxChars = DEFAULT_QUOTE_CHARS): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate: keep the pair whole by dropping both
  return `${text.slice(0, end)}… (${text.length} characters in all)`;
}

/** A list joined with `, `, at most `maxItems` items, then `… and <n> more`. Each item is bounded too. */
export function boundedList(items: readonly string[], maxItems = 20, maxItemChars = 100): string {
  const shown = items.slice(0, maxItems).map((item) => boundedText(item, maxItemChars));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(", ")}, … and ${rest} more` : shown.join(", ");
}
