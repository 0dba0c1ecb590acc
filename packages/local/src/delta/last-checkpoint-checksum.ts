import { createHash } from "node:crypto";
import type { LosslessJsonValue } from "./lossless-json.js";

/**
 * The optional `checksum` of `_delta_log/_last_checkpoint` (protocol "JSON checksum"): the MD5 of a
 * canonical form in which every leaf becomes `path=value`, the path's segments joined by `+` (object
 * keys quoted and URL-encoded, array positions as numbers), strings quoted and URL-encoded, pairs
 * sorted by path and joined by `,`; the top-level `checksum` member is left out.
 */
export function lastCheckpointChecksum(json: { [key: string]: LosslessJsonValue }): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(json)) if (key !== "checksum") collect([quoted(key)], value, pairs);
  // The paths are ASCII once encoded, so UTF-16 order is the byte order the protocol asks for.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash("md5").update(pairs.map(([path, value]) => `${path}=${value}`).join(",")).digest("hex");
}

function collect(path: string[], value: LosslessJsonValue, out: Array<[string, string]>): void {
  if (Array.isArray(value)) value.forEach((item, i) => collect([...path, String(i)], item, out));
  else if (value !== null && typeof value === "object") {
    for (const [key, member] of Object.entries(value)) collect([...path, quoted(key)], member, out);
  } else out.push([path.join("+"), typeof value === "string" ? quoted(value) : String(value)]);
}

// Percent-encodes every octet except A-Z a-z 0-9 - . _ ~, with uppercase hex, inside double quotes.
function quoted(text: string): string {
  return `"${encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}"`;
}
