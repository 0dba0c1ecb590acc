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
import { UcClient } from "../catalog/uc-client.js";
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

/** The first rows of a table, with its columns. */
interface TableRows {
  fields: DeltaField[];
  rows: JsonRow[];
}

/** Where rows come from: the flags and environment of the command. */
type RowSourceFlags = ConnectionFlags & { "data-dir"?: string | undefined };

/** `zerobus tables head TABLE`. */
export async function runTablesHead(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, HEAD_OPTIONS);
  if (values.help) return help(ctx, HEAD_HELP);
  expectPositionals(positionals, 1, "zerobus tables head TABLE [-n 10] [--data-dir DIR]");
  const limit = values.n === undefined ? 10 : parseIntegerFlag(values.n, "n", 0);
  const name = parseTableName(positionals[0]!);
  const dataDir = values["data-dir"];
  const table = dataDir !== undefined ? await readFromDataDir(name, resolve(dataDir), limit) : await readFromService(name, limit, serviceClient(values, ctx));
  for (const row of table.rows) ctx.stdout.write(`${renderJsonRow(row, table.fields)}\n`);
  return EXIT_CODES.OK;
}

/** `zerobus tables count TABLE`. */
export async function runTablesCount(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, COUNT_OPTIONS);
  if (values.help) return help(ctx, COUNT_HELP);
  expectPositionals(positionals, 1, "zerobus tables count TABLE [--data-dir DIR]");
  const name = parseTableName(positionals[0]!);
  const dataDir = values["data-dir"];
  const count = dataDir !== undefined ? await countInDataDir(name, resolve(dataDir)) : (await serviceClient(values, ctx).getTableRows(name, 0)).row_count;
  ctx.stdout.write(`${count}\n`);
  return EXIT_CODES.OK;
}

function help(ctx: CommandContext, text: string): number {
  ctx.stdout.write(text);
  return EXIT_CODES.OK;
}

/** A client for the service's rows route; a usage error when no workspace is configured at all. */
function serviceClient(flags: RowSourceFlags, ctx: CommandContext): UcClient {
  const noWorkspace = (flags["workspace-url"] ?? ctx.env["DATABRICKS_WORKSPACE_URL"] ?? "") === "";
  if (noWorkspace) {
    throw new UsageError(
      "reading rows needs a running 'zerobus local' (pass --workspace-url or set DATABRICKS_WORKSPACE_URL) " +
        "or --data-dir DIR, its data directory: the Zerobus and Unity Catalog APIs have no call that returns rows",
    );
  }
  return new UcClient(resolveConnection(flags, ctx.env, false));
}

async function readFromDataDir(name: TableName, root: string, limit: number): Promise<TableRows> {
  const dir = await tableDir(name, root);
  try {
    const contents = await readTable(dir, { limit });
    return { fields: contents.fields, rows: contents.rows.map((row) => rowToJson(contents.fields, row)) };
  } catch (err) {
    throw new CliError(`cannot read table ${name.fullName}: ${errorText(err)}`, { cause: err });
  }
}

async function countInDataDir(name: TableName, root: string): Promise<number> {
  const dir = await tableDir(name, root);
  try {
    return (await countTableRows(dir)).rows;
  } catch (err) {
    throw new CliError(`cannot read table ${name.fullName}: ${errorText(err)}`, { cause: err });
  }
}

/** The table's directory under a data dir; a `CliError` when there is no Delta table there. */
async function tableDir(name: TableName, root: string): Promise<string> {
  const dir = join(root, name.catalog, name.schema, name.table);
  const isTable = await stat(join(dir, "_delta_log")).then((s) => s.isDirectory(), () => false);
  if (!isTable) throw new CliError(`table ${name.fullName} does not exist under ${root} (no Delta table at ${dir})`);
  return dir;
}

async function readFromService(name: TableName, limit: number, client: UcClient): Promise<TableRows> {
  const answer = await client.getTableRows(name, limit);
  const schema = JSON.stringify({ type: "struct", fields: answer.columns.map((column) => JSON.parse(column.type_json) as unknown) });
  return { fields: parseSparkSchema(schema), rows: answer.rows };
}
