import type { DeltaField } from "./delta-type.js";
import { SchemaError } from "./schema-error.js";

/**
 * Checks that no two fields of one struct (or of the table) share a name, ignoring case, as Delta
 * requires: Spark resolves columns case-insensitively, so `a` and `A` would be ambiguous.
 *
 * @param fields - Sibling fields.
 * @param text - The source text, for the error message.
 * @param position - Where the struct starts in `text`, when known.
 * @throws SchemaError naming the duplicate.
 */
export function assertUniqueFieldNames(fields: readonly DeltaField[], text?: string, position?: number): void {
  const seen = new Set<string>();
  for (const field of fields) {
    const key = field.name.toLowerCase();
    if (seen.has(key)) {
      throw new SchemaError(`Duplicate column name "${field.name}" (names are case-insensitive)`, {
        ...(text === undefined ? {} : { text }),
        ...(position === undefined ? {} : { position }),
      });
    }
    seen.add(key);
  }
}
