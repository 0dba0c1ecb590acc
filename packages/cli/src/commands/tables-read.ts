/**
 * `zerobus tables head|count`: a table's rows and row count. The Zerobus and Unity Catalog APIs have no call
 * that returns rows, so they come from one of two places:
 * - `zerobus local`'s rows route (`GET …/tables/{name}/rows`, a local-only extension), found through the
 *   usual connection settings: the default, and what a newcomer with `zerobus local` running has;
 * - the Delta table's files under a data directory (`--data-dir`), with no service running.
 * Both print the same text: rows are rendered from the same lossless JSON form.
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { countTableRows, parseSparkSchema, readTable, rowToJson, type DeltaField } from "@zerobus-ts/local";
import { UcClient, UcRequestError } from "../catalog/uc-client.js";
import { CliError, EXIT_CODES, errorText, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { expectPositionals, HELP_OPTION, parseCommandLine, parseIntegerFlag } from "../command-line.js";
import { connectionHelp, CONNECTION_OPTIONS, resolveConnection, type ConnectionFlags } from "../connection-settings.js";
import { renderJsonRow, type JsonRow } from "../output/render-row.js";
import { parseTableName, type TableName } from "../table-name.js";

const SOURCES = `Rows come from the rows API of 'zerobus local' (found with the connection settings below), or
with --data-dir DIR straight from the Delta table under DIR, the data directory of 'zerobus local'
(no service needed). A Databricks workspace has no API that returns rows.`;

const HEAD_HELP = `Usage: zerobus tables head TABLE [-n 10] [--data-dir DIR]

Prints the first rows of a table (default 10), one JSON object per line: 64-bit integers and decimals
exact, dates as YYYY-MM-DD, timestamps as ISO 8601 with microseconds, binary as base64.
${SOURCES}

${connectionHelp(false)}
`;
const COUNT_HELP = `Usage: zerobus tables count TABLE [--data-dir DIR]

Prints the number of rows of a table, alone.
${SOURCES}

${connectionHelp(false)}
`;

const COUNT_OPTIONS = { ...HELP_OPTION, ...CONNECTION_OPTIONS, "data-dir": { type: "string" } } as const;
const HEAD_OPTIONS = { ...COUNT_OPTIONS, n: { type: "string", short: "n" } } as const;

/** Rows of a table (at most the limit asked for) and how many it has in all. */
interface TableRows {
  fields: DeltaField[];
  rows: JsonRow[];
  rowCount: number;
}

/** `zerobus tables head TABLE`. */
export async function runTablesHead(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, HEAD_OPTIONS);
  if (values.help) return help(ctx, HEAD_HELP);
  expectPositionals(positionals, 1, "zerobus tables head TABLE [-n 10] [--data-dir DIR]");
  const limit = values.n === undefined ? 10 : parseIntegerFlag(values.n, "n", 0);
  const table = await readRows(parseTableName(positionals[0]!), limit, values, ctx);
  for (const row of table.rows) ctx.stdout.write(`${renderJsonRow(row, table.fields)}\n`);
  return EXIT_CODES.OK;
}

/** `zerobus tables count TABLE`. */
export async function runTablesCount(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, COUNT_OPTIONS);
  if (values.help) return help(ctx, COUNT_HELP);
  expectPositionals(positionals, 1, "zerobus tables count TABLE [--data-dir DIR]");
  const table = await readRows(parseTableName(positionals[0]!), 0, values, ctx);
  ctx.stdout.write(`${table.rowCount}\n`);
  return EXIT_CODES.OK;
}

function help(ctx: CommandContext, text: string): number {
  ctx.stdout.write(text);
  return EXIT_CODES.OK;
}

function readRows(name: TableName, limit: number, flags: ConnectionFlags & { "data-dir"?: string | undefined }, ctx: CommandContext): Promise<TableRows> {
  const dataDir = flags["data-dir"];
  if (dataDir !== undefined) return readFromDataDir(name, resolve(dataDir), limit);
  const noWorkspace = (flags["workspace-url"] ?? ctx.env["DATABRICKS_WORKSPACE_URL"] ?? "") === "";
  if (noWorkspace) {
    throw new UsageError(
      "reading rows needs a running 'zerobus local' (pass --workspace-url or set DATABRICKS_WORKSPACE_URL) " +
        "or --data-dir DIR, its data directory: the Zerobus and Unity Catalog APIs have no call that returns rows",
    );
  }
  return readFromService(name, limit, new UcClient(resolveConnection(flags, ctx.env, false)));
}

async function readFromDataDir(name: TableName, root: string, limit: number): Promise<TableRows> {
  const dir = join(root, name.catalog, name.schema, name.table);
  const isTable = await stat(join(dir, "_delta_log")).then((s) => s.isDirectory(), () => false);
  if (!isTable) throw new CliError(`table ${name.fullName} does not exist under ${root} (no Delta table at ${dir})`);
  try {
    const contents = await readTable(dir, { limit });
    const { rows: rowCount } = await countTableRows(dir, { version: contents.version });
    return { fields: contents.fields, rows: contents.rows.map((row) => rowToJson(contents.fields, row)), rowCount };
  } catch (err) {
    throw new CliError(`cannot read table ${name.fullName}: ${errorText(err)}`, { cause: err });
  }
}

async function readFromService(name: TableName, limit: number, client: UcClient): Promise<TableRows> {
  let answer;
  try {
    answer = await client.getTableRows(name, limit);
  } catch (err) {
    // An unknown table is the service's 404 TABLE_DOES_NOT_EXIST; any other 404 means no rows route at all.
    if (err instanceof UcRequestError && err.status === 404 && err.errorCode !== "TABLE_DOES_NOT_EXIST") {
      throw new CliError(`the workspace has no rows API (only 'zerobus local' serves rows over HTTP); pass --data-dir DIR to read a local table's files`, { cause: err });
    }
    throw err;
  }
  const schema = JSON.stringify({ type: "struct", fields: answer.columns.map((column) => JSON.parse(column.type_json) as unknown) });
  return { fields: parseSparkSchema(schema), rows: answer.rows, rowCount: answer.row_count };
}
