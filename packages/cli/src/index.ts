/**
 * @zerobus-ts/cli: the `zerobus` command. The package's public door: the command line as a function
 * (for embedding and tests). The schema → proto generator it uses is the SDK's (`tableSchemaToProto`).
 *
 * @packageDocumentation
 */

// The command line
export { runCli, MAIN_HELP } from "./run-cli.js";
export type { Command, CommandContext, TextOut } from "./command-context.js";
export { CliError, EXIT_CODES, UsageError } from "./cli-error.js";

