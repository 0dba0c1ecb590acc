/**
 * What a command runs with: the environment and the two output streams. Passed in rather than read from
 * `process` so commands stay plain async functions.
 */

/** A writable text stream (process.stdout / process.stderr). */
export interface TextOut {
  write(text: string): unknown;
  /** True when it is a terminal (progress bars then redraw in place). */
  isTTY?: boolean;
}

/** A command's world. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  stdout: TextOut;
  stderr: TextOut;
}

/** A command: parses its arguments, runs, and returns the exit code (or throws a `CliError`). */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;
