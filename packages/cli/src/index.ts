/**
 * @zerobus-ts/cli: the `zerobus` command. The package's public door: the command line as a function
 * (for embedding and tests) and the schema → proto generator, which is meant to move into the SDK.
 *
 * @packageDocumentation
 */

// The command line
export { runCli, MAIN_HELP } from "./run-cli.js";
export type { Command, CommandContext, TextOut } from "./command-context.js";
export { CliError, EXIT_CODES, UsageError } from "./cli-error.js";

// Schema → proto (PROTOCOL.md §11.3)
export {
  columnsToDescriptor,
  columnsToDescriptorSet,
  columnsToProtoText,
  encodeDescriptorProto,
  ProtoSchemaError,
  type UcColumn,
} from "./schema-to-proto/index.js";
