/**
 * The `zerobus` command line: dispatches to `commands/<verb>.ts`, prints errors, returns the exit code.
 */
import { createRequire } from "node:module";
import { CliError, EXIT_CODES, UsageError } from "./cli-error.js";
import type { Command, CommandContext } from "./command-context.js";

/** `zerobus --help`. */
export const MAIN_HELP = `Usage: zerobus <command> [options]

Commands:
  local      run a local Zerobus service (gRPC + OAuth + Unity Catalog REST, real Delta tables)
  tables     list, describe, create tables; head and count rows of local tables
  proto      write a table's schema as a proto2 message (.proto or FileDescriptorSet)
  ingest     send JSON Lines and CSV files into a table

Run 'zerobus <command> --help' for a command's options. Commands that talk to a service read
ZEROBUS_SERVER_ENDPOINT, DATABRICKS_WORKSPACE_URL, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET
('zerobus local' prints them), or the matching flags.

Exit codes: 0 done; 1 failed (bad record, refused request, unreachable service); 2 bad command line.
`;

// Loaded on demand: the local service's modules (Arrow, Parquet) take a noticeable time to load, and
// only `local` and `tables head|count` need them.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  local: async () => (await import("./commands/local.js")).runLocal,
  tables: async () => (await import("./commands/tables.js")).runTables,
  proto: async () => (await import("./commands/proto.js")).runProto,
  ingest: async () => (await import("./commands/ingest.js")).runIngestCommand,
};

/** Runs the command line `args` (without `node` and the script) and returns the exit code. */
export async function runCli(args: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    ctx.stderr.write(MAIN_HELP);
    return EXIT_CODES.USAGE;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(MAIN_HELP);
    return EXIT_CODES.OK;
  }
  if (name === "--version" || name === "-v") {
    ctx.stdout.write(`zerobus ${version()}\n`);
    return EXIT_CODES.OK;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    ctx.stderr.write(`zerobus: unknown command '${name}'\nRun 'zerobus --help' for the list of commands.\n`);
    return EXIT_CODES.USAGE;
  }
  // Errors name the subcommand too ("zerobus tables create: …"), so the --help hint points at it.
  const label = name === "tables" && rest[0] !== undefined && /^[a-z]+$/.test(rest[0]) ? `${name} ${rest[0]}` : name;
  try {
    return await (await load())(rest, ctx);
  } catch (err) {
    return reportError(err, label, ctx);
  }
}

function reportError(err: unknown, command: string, ctx: CommandContext): number {
  if (err instanceof UsageError) {
    ctx.stderr.write(`zerobus ${command}: ${err.message}\nRun 'zerobus ${command} --help' for usage.\n`);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    ctx.stderr.write(`zerobus ${command}: ${err.message}\n`);
    return err.exitCode;
  }
  // Not an expected failure: a bug. Show everything.
  ctx.stderr.write(`zerobus ${command}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT_CODES.FAILURE;
}

function version(): string {
  // Through the package's own name: the same file from the sources and from the build (dist/esm/).
  const pkg = createRequire(import.meta.url)("@zerobus-ts/cli/package.json") as { version?: string };
  return pkg.version ?? "unknown";
}
