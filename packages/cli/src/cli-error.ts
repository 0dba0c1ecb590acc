/**
 * The command's errors and exit codes. Commands throw; `main` prints the message (one line, prefixed
 * with `zerobus:`) and exits with the error's code. Anything else thrown is a bug and exits with 1 too,
 * with its stack.
 */

/** Exit codes of every command. */
export const EXIT_CODES = Object.freeze({
  /** Done. */
  OK: 0,
  /** The command ran and failed: a bad record, a refused request, an unreachable service, a missing table. */
  FAILURE: 1,
  /** The command line is wrong: unknown flag, missing argument, bad value. Nothing was done. */
  USAGE: 2,
});

/** An expected failure, reported as its message alone. */
export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT_CODES.FAILURE;
  }
}

/** A wrong command line (exit code 2); the message says what to change, and `main` points at `--help`. */
export class UsageError extends CliError {
  override readonly name = "UsageError";

  constructor(message: string) {
    super(message, { exitCode: EXIT_CODES.USAGE });
  }
}

/** The message of anything thrown, for error output. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
