/**
 * Counting a table's rows without reading its data: each live file's `numRecords` statistic, less the
 * rows its deletion vector removes. A table with a file that has no such statistic (writers may omit
 * statistics) is counted by reading it.
 */
import type { AddAction } from "./delta-actions.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { assertReadable } from "./table-features.js";

/** What {@link countTableRows} returns. */
export interface TableRowCount {
  version: number;
  rows: number;
}

/**
 * The number of rows of a table at a version (default the latest).
 *
 * @throws DeltaError as {@link readTable} does.
 */
export async function countTableRows(dir: string, options: { version?: number } = {}): Promise<TableRowCount> {
  const snapshot = await loadSnapshot(dir, options.version === undefined ? {} : { version: options.version });
  assertReadable(snapshot.protocol, snapshot.metadata);
  let rows = 0;
  for (const add of snapshot.files) {
    const records = recordsInFile(add);
    if (records === undefined) return { version: snapshot.version, rows: (await readTable(dir, { version: snapshot.version })).rows.length };
    rows += records - (add.deletionVector?.cardinality ?? 0);
  }
  return { version: snapshot.version, rows };
}

/** The file's `numRecords` statistic, if it has a usable one. */
function recordsInFile(add: AddAction): number | undefined {
  if (typeof add.stats !== "string") return undefined;
  try {
    const records = (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords;
    return typeof records === "number" && Number.isSafeInteger(records) && records >= 0 ? records : undefined;
  } catch {
    return undefined;
  }
}
