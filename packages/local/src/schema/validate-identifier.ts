import { SchemaError } from "./schema-error.js";

/** Longest identifier accepted: the usual file-name limit, since identifiers become directory names. */
export const MAX_IDENTIFIER_LENGTH = 255;

const SAFE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks that a catalog, schema or table name is safe to use as a directory name: ASCII letters, digits
 * and underscores, not starting with a digit, at most {@link MAX_IDENTIFIER_LENGTH} characters. This
 * rules out dots, slashes, `..` and anything else that could escape the data root.
 *
 * @param name - The identifier to check.
 * @param what - What the name is ("catalog", "schema", "table"), used in the error message.
 * @throws SchemaError when the name is not safe.
 */
export function validateIdentifier(name: string, what: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new SchemaError(`The ${what} name must be a non-empty string`);
  }
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    throw new SchemaError(`The ${what} name is longer than ${MAX_IDENTIFIER_LENGTH} characters`, {
      text: name.slice(0, 40) + "…",
    });
  }
  if (!SAFE_IDENTIFIER.test(name)) {
    const position = firstBadPosition(name);
    throw new SchemaError(
      `The ${what} name must match ${SAFE_IDENTIFIER.source} (letters, digits and underscores)`,
      { text: name, position },
    );
  }
}

function firstBadPosition(name: string): number {
  if (/^[0-9]/.test(name)) return 0;
  const match = /[^A-Za-z0-9_]/.exec(name);
  return match === null ? 0 : match.index;
}
