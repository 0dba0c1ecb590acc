/**
 * The user agent a `ZerobusSdk` sends: `zerobus-ts/<version>`, followed by the application's name when it
 * gives one, as the official SDKs send `zerobus-sdk-<lang>/<version> <application_name>` (OFFICIAL-2X.md §1),
 * so the service's operators can tell which application a stream belongs to.
 */
import { boundedText } from "./bounded-text.js";
import { NonRetriableException } from "./errors.js";
import { SDK_IDENTIFIER } from "./version.js";

/** The longest application name accepted; a user agent is a header, not a document. */
export const MAX_APPLICATION_NAME_LENGTH = 256;

/** Printable ASCII: what an HTTP/2 header value may carry without being refused or mangled on the way. */
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * The user agent for `applicationName` (none: the SDK's identifier alone).
 *
 * @throws NonRetriableException when the name is not a string, is empty or blank, is longer than
 *   {@link MAX_APPLICATION_NAME_LENGTH}, or holds a control character or anything outside printable ASCII
 *   (naming the first offending character's position and code).
 */
export function userAgentFor(applicationName: unknown): string {
  if (applicationName === undefined || applicationName === null) return SDK_IDENTIFIER;
  if (typeof applicationName !== "string") {
    throw new NonRetriableException(`Invalid applicationName: expected a string, got ${typeof applicationName}`);
  }
  const name = applicationName.trim();
  if (name === "") throw new NonRetriableException("Invalid applicationName: it is empty");
  if (name.length > MAX_APPLICATION_NAME_LENGTH) {
    throw new NonRetriableException(`Invalid applicationName: ${name.length} characters, at most ${MAX_APPLICATION_NAME_LENGTH} allowed`);
  }
  if (!PRINTABLE.test(name)) {
    const at = [...name].findIndex((c) => !PRINTABLE.test(c));
    const code = name.codePointAt(at === -1 ? 0 : at) ?? 0;
    const what = code < 0x20 || code === 0x7f ? "a control character" : "a character outside printable ASCII";
    throw new NonRetriableException(
      `Invalid applicationName ${JSON.stringify(boundedText(name, 64))}: ${what} (U+${code.toString(16).toUpperCase().padStart(4, "0")}) at position ${at}`,
    );
  }
  return `${SDK_IDENTIFIER} ${name}`;
}
