/**
 * `zerobus tables list|create|describe|head|count`. list, create and describe use the Unity Catalog REST
 * API (a real workspace or `zerobus local`); head and count use `zerobus local`'s rows API, or read the
 * Delta table from a local data dir.
 */
import { EXIT_CODES, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { HELP_OPTION, parseCommandLine } from "../command-line.js";
import { connectionHelp } from "../connection-settings.js";
import { runTablesCreate, runTablesDescribe, runTablesList } from "./tables-catalog.js";

/** `zerobus tables --help`. */
export const TABLES_HELP = `Usage: zerobus tables <command> [options]

Commands:
  list CATALOG.SCHEMA [--json]              the tables of a schema, one full name per line
  describe TABLE [--json]                   a table's columns (--json: the Unity Catalog JSON)
  create TABLE "COLUMNS" [--if-not-exists]  create a managed Delta table from a SQL column list,
                                            e.g. "device_name STRING NOT NULL, temp INT, tags ARRAY<STRING>"
  head TABLE [-n 10] [--data-dir DIR]       the first rows, one JSON object per line
  count TABLE [--data-dir DIR]              the number of rows, alone

list, describe and create call the Unity Catalog REST API of the workspace (a real one or
'zerobus local'). head and count call the rows API of 'zerobus local' (a Databricks workspace has
none), or with --data-dir read the Delta table's files under the local service's data directory.

${connectionHelp(false)}
`;

const SUBCOMMANDS: Readonly<Record<string, (args: string[], ctx: CommandContext) => Promise<number>>> = {
  list: runTablesList,
  describe: runTablesDescribe,
  create: runTablesCreate,
  // Reading rows loads the Delta reader, which is slow to load: only when asked.
  head: async (args, ctx) => (await import("./tables-read.js")).runTablesHead(args, ctx),
  count: async (args, ctx) => (await import("./tables-read.js")).runTablesCount(args, ctx),
};

/** Runs `zerobus tables …`. */
export async function runTables(args: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === undefined) {
      ctx.stderr.write(TABLES_HELP);
      return EXIT_CODES.USAGE;
    }
    ctx.stdout.write(TABLES_HELP);
    return EXIT_CODES.OK;
  }
  const sub = SUBCOMMANDS[name];
  if (sub === undefined) {
    // Parse anyway so an unknown flag in first position reads as such.
    if (name.startsWith("-")) parseCommandLine([name], HELP_OPTION);
    throw new UsageError(`unknown tables command '${name}' (expected ${Object.keys(SUBCOMMANDS).join(", ")})`);
  }
  return sub(rest, ctx);
}
