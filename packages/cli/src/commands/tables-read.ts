/**
 * `zerobus tables head|count`: reading rows straight from the Delta table under a local data dir
 * (the Zerobus and Unity Catalog APIs have no call that returns rows).
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readTable, type TableContents } from "@zerobus-ts/local";
import { CliError, EXIT_CODES, errorText, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { expectPositionals, HELP_OPTION, parseCommandLine, parseIntegerFlag } from "../command-line.js";
import { renderRow } from "../output/render-row.js";
import { parseTableName } from "../table-name.js";

const HEAD_HELP = `Usage: zerobus tables head TABLE [-n 10] --data-dir DIR

Prints the first rows of a table (default 10), one JSON object per line: 64-bit integers and decimals
exact, dates as YYYY-MM-DD, timestamps as ISO 8601 with microseconds, binary as base64.
Reads the Delta table under DIR, the data directory of 'zerobus local'.
`;
const COUNT_HELP = `Usage: zerobus tables count TABLE --data-dir DIR

Prints the number of rows of a table, alone. Reads the Delta table under DIR, the data directory
of 'zerobus local'.
`;

const HEAD_OPTIONS = { ...HELP_OPTION, "data-dir": { type: "string" }, n: { type: "string", short: "n" } } as const;
const COUNT_OPTIONS = { ...HELP_OPTION, "data-dir": { type: "string" } } as const;

/** `zerobus tables head TABLE`. */
export async function runTablesHead(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, HEAD_OPTIONS);
  if (values.help) return help(ctx, HEAD_HELP);
  expectPositionals(positionals, 1, "zerobus tables head TABLE [-n 10] --data-dir DIR");
  const limit = values.n === undefined ? 10 : parseIntegerFlag(values.n, "n", 0);
  const table = await readLocalTable(positionals[0]!, values["data-dir"]);
  for (const row of table.rows.slice(0, limit)) ctx.stdout.write(`${renderRow(row, table.fields)}\n`);
  return EXIT_CODES.OK;
}

/** `zerobus tables count TABLE`. */
export async function runTablesCount(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, COUNT_OPTIONS);
  if (values.help) return help(ctx, COUNT_HELP);
  expectPositionals(positionals, 1, "zerobus tables count TABLE --data-dir DIR");
  const table = await readLocalTable(positionals[0]!, values["data-dir"]);
  ctx.stdout.write(`${table.rows.length}\n`);
  return EXIT_CODES.OK;
}

function help(ctx: CommandContext, text: string): number {
  ctx.stdout.write(text);
  return EXIT_CODES.OK;
}

async function readLocalTable(fullName: string, dataDir: string | undefined): Promise<TableContents> {
  const name = parseTableName(fullName);
  if (dataDir === undefined) {
    throw new UsageError(
      "reading rows needs --data-dir DIR, the data directory of 'zerobus local': " +
        "the Zerobus and Unity Catalog APIs have no call that returns rows",
    );
  }
  const dir = join(resolve(dataDir), name.catalog, name.schema, name.table);
  const isTable = await stat(join(dir, "_delta_log")).then((s) => s.isDirectory(), () => false);
  if (!isTable) throw new CliError(`table ${name.fullName} does not exist under ${resolve(dataDir)} (no Delta table at ${dir})`);
  try {
    return await readTable(dir);
  } catch (err) {
    throw new CliError(`cannot read table ${name.fullName}: ${errorText(err)}`, { cause: err });
  }
}
