/**
 * `zerobus local --tables FILE`: the seed file's two forms, and creating what is missing.
 */
import { TableExistsError, type ColumnSpec, type LocalService } from "@zerobus-ts/local";
import { CliError, errorText, UsageError } from "../cli-error.js";

/** One table to create: a SQL column list or column specs. */
export interface SeedTable {
  name: string;
  columns: string | ColumnSpec[];
}

/**
 * Reads the seed file's JSON: `{ "c.s.t": "col TYPE, …" }` or `[ { "name": "c.s.t", "columns": … } ]`,
 * where `columns` is a column list or `[{ name, type, nullable? }]`. A `UsageError` names what is wrong.
 */
export function parseSeedTables(json: unknown): SeedTable[] {
  if (Array.isArray(json)) return json.map((entry, i) => seedEntry(entry, `[${i}]`));
  if (json !== null && typeof json === "object") {
    return Object.entries(json).map(([name, columns]) => seedEntry({ name, columns }, JSON.stringify(name)));
  }
  throw new UsageError("--tables: expected a JSON object (table → columns) or an array of { name, columns }");
}

function seedEntry(entry: unknown, where: string): SeedTable {
  if (entry === null || typeof entry !== "object") throw new UsageError(`--tables ${where}: expected { "name": …, "columns": … }`);
  const { name, columns } = entry as Record<string, unknown>;
  if (typeof name !== "string" || name === "") throw new UsageError(`--tables ${where}: "name" must be a table name`);
  if (typeof columns === "string" && columns.trim() !== "") return { name, columns };
  if (Array.isArray(columns) && columns.length > 0 && columns.every(isColumnSpec)) return { name, columns };
  throw new UsageError(`--tables ${where}: "columns" must be a SQL column list or an array of { "name", "type", "nullable"? }`);
}

function isColumnSpec(value: unknown): value is ColumnSpec {
  if (value === null || typeof value !== "object") return false;
  const { name, type, nullable } = value as Record<string, unknown>;
  return typeof name === "string" && typeof type === "string" && (nullable === undefined || typeof nullable === "boolean");
}

/** Creates the tables that do not exist yet; returns one report line per table. */
export async function seedTables(service: LocalService, tables: readonly SeedTable[]): Promise<string[]> {
  const lines: string[] = [];
  for (const table of tables) {
    try {
      await service.createTable(table.name, table.columns);
      lines.push(`created table ${table.name}`);
    } catch (err) {
      if (!(err instanceof TableExistsError)) throw new CliError(`--tables: cannot create ${table.name}: ${errorText(err)}`, { cause: err });
      lines.push(`table ${table.name} exists: left as it is`);
    }
  }
  return lines;
}
