/**
 * `zerobus tables list|describe|create`: the Unity Catalog REST calls.
 */
import { NonRetriableException } from "@zerobus-ts/sdk";
import { CliError, EXIT_CODES, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { expectPositionals, HELP_OPTION, parseCommandLine } from "../command-line.js";
import { connectionHelp, CONNECTION_OPTIONS, resolveConnection } from "../connection-settings.js";
import { createTableBody } from "../catalog/create-table-body.js";
import { UcClient, UcRequestError, type UcTableInfo } from "../catalog/uc-client.js";
import { parseTableName } from "../table-name.js";

const LIST_HELP = `Usage: zerobus tables list CATALOG.SCHEMA [--json]\n\nLists the tables of a schema, one full name per line (--json: the Unity Catalog JSON).\n\n${connectionHelp(false)}\n`;
const DESCRIBE_HELP = `Usage: zerobus tables describe TABLE [--json]\n\nShows a table's columns (--json: the Unity Catalog JSON).\n\n${connectionHelp(false)}\n`;
const CREATE_HELP = `Usage: zerobus tables create TABLE "COLUMNS" [--if-not-exists]

Creates a managed Delta table. COLUMNS is a SQL column list:
  "device_name STRING NOT NULL, temp INT COMMENT 'celsius', tags ARRAY<STRING>, at TIMESTAMP"
With --if-not-exists an existing table is not an error (it is left as it is).

${connectionHelp(false)}
`;

const READ_OPTIONS = { ...HELP_OPTION, ...CONNECTION_OPTIONS, json: { type: "boolean" } } as const;
const CREATE_OPTIONS = { ...HELP_OPTION, ...CONNECTION_OPTIONS, "if-not-exists": { type: "boolean" } } as const;

/** `zerobus tables list CATALOG.SCHEMA`. */
export async function runTablesList(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, READ_OPTIONS);
  if (values.help) return help(ctx, LIST_HELP);
  expectPositionals(positionals, 1, "zerobus tables list CATALOG.SCHEMA");
  const parts = positionals[0]!.split(".");
  if (parts.length !== 2 || parts.some((p) => p === "")) throw new UsageError(`expected CATALOG.SCHEMA, got '${positionals[0]}'`);
  const client = new UcClient(resolveConnection(values, ctx.env, false));
  const tables = await client.listTables(parts[0]!, parts[1]!);
  if (values.json) ctx.stdout.write(`${JSON.stringify({ tables }, null, 2)}\n`);
  else for (const table of tables) ctx.stdout.write(`${fullName(table)}\n`);
  return EXIT_CODES.OK;
}

/** `zerobus tables describe TABLE`. */
export async function runTablesDescribe(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, READ_OPTIONS);
  if (values.help) return help(ctx, DESCRIBE_HELP);
  expectPositionals(positionals, 1, "zerobus tables describe TABLE");
  const name = parseTableName(positionals[0]!);
  const client = new UcClient(resolveConnection(values, ctx.env, false));
  const table = await client.getTable(name);
  ctx.stdout.write(values.json ? `${JSON.stringify(table, null, 2)}\n` : describeTable(table));
  return EXIT_CODES.OK;
}

/** `zerobus tables create TABLE "COLUMNS"`. */
export async function runTablesCreate(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, CREATE_OPTIONS);
  if (values.help) return help(ctx, CREATE_HELP);
  expectPositionals(positionals, 2, 'zerobus tables create TABLE "COLUMNS"');
  const name = parseTableName(positionals[0]!);
  let body: Record<string, unknown>;
  try {
    body = createTableBody(name, positionals[1]!);
  } catch (err) {
    if (err instanceof NonRetriableException) throw new UsageError(`bad column list: ${err.message}`);
    throw err;
  }
  const client = new UcClient(resolveConnection(values, ctx.env, false));
  try {
    await client.createTable(body);
  } catch (err) {
    if (values["if-not-exists"] && err instanceof UcRequestError && (err.status === 409 || err.errorCode === "TABLE_ALREADY_EXISTS")) {
      ctx.stdout.write(`table ${name.fullName} exists: left as it is\n`);
      return EXIT_CODES.OK;
    }
    throw err;
  }
  ctx.stdout.write(`created table ${name.fullName}\n`);
  return EXIT_CODES.OK;
}

function help(ctx: CommandContext, text: string): number {
  ctx.stdout.write(text);
  return EXIT_CODES.OK;
}

function fullName(table: UcTableInfo): string {
  return table.full_name ?? `${table.catalog_name}.${table.schema_name}.${table.name}`;
}

/** The table's name, kind and location, then an aligned column listing. */
function describeTable(table: UcTableInfo): string {
  const columns = table.columns ?? [];
  if (!Array.isArray(columns)) throw new CliError("the table description has no column list");
  const rows = columns.map((c) => [c.name, c.type_text ?? c.type_name ?? "?", c.nullable === false ? "NOT NULL" : "", c.comment ?? ""]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  const lines = [
    `${fullName(table)}  (${[table.table_type, table.data_source_format].filter(Boolean).join(" ")})`,
    ...(table.storage_location ? [`location: ${table.storage_location}`] : []),
    ...(table.comment ? [`comment: ${table.comment}`] : []),
    `columns (${rows.length}):`,
    ...rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd()}`),
  ];
  return `${lines.join("\n")}\n`;
}
