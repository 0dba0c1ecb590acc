/**
 * Parsing of Unity Catalog table names (`catalog.schema.table`).
 *
 * Checked on the client because the server's answer to a malformed name is a late, generic error, and the
 * name also feeds the OAuth authorization details, which need the three parts separately.
 */
import { boundedText } from "./bounded-text.js";
import { NonRetriableException } from "./errors.js";

/** The three parts of a Unity Catalog table name. */
export interface TableNameParts {
  /** The catalog, e.g. `main`. */
  readonly catalog: string;
  /** The schema inside the catalog. */
  readonly schema: string;
  /** The table inside the schema. */
  readonly table: string;
}

/**
 * Splits a `catalog.schema.table` name. Exactly three non-empty dot-separated parts are required; quoting
 * with backticks is not supported (no official SDK supports it either).
 */
export function parseTableName(name: unknown): TableNameParts {
  if (typeof name !== "string") {
    throw new NonRetriableException(
      `Invalid table name '${String(name)}': expected a string 'catalog.schema.table', got ${typeof name}`,
    );
  }
  const parts = name.split(".");
  if (parts.length !== 3) {
    throw new NonRetriableException(
      `Invalid table name '${name}': expected three dot-separated parts 'catalog.schema.table', got ${parts.length}`,
    );
  }
  const [catalog, schema, table] = parts as [string, string, string];
  const empty = [catalog, schema, table].findIndex((part) => part.trim() === "");
  if (empty >= 0) {
    const which = ["catalog", "schema", "table"][empty];
    throw new NonRetriableException(`Invalid table name '${boundedText(name, 200)}': the ${which} part is empty`);
  }
  return { catalog, schema, table };
}
