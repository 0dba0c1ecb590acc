/**
 * Flag parsing shared by every command: `node:util` `parseArgs` in strict mode, its errors turned into
 * `UsageError`s, plus the number checks the flags need.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./cli-error.js";

/** The option spec type `parseArgs` takes. */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** `--help` / `-h`, which every command accepts. */
export const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** What {@link parseCommandLine} returns: `values` typed by the option specs, and `positionals`. */
export type ParsedCommandLine<O extends OptionSpecs> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** Parses `args` strictly against `options` (which should include {@link HELP_OPTION}); positionals allowed. */
export function parseCommandLine<const O extends OptionSpecs>(args: string[], options: O): ParsedCommandLine<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs' messages already name the flag ("Unknown option '--x'"); drop its advice about "--" .
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(message);
  }
}

/** A whole number ≥ `min` from a flag value, or a `UsageError` naming the flag. */
export function parseIntegerFlag(value: string, flag: string, min: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

/** Rejects extra positional arguments. */
export function expectPositionals(positionals: readonly string[], count: number, usage: string): void {
  if (positionals.length > count) throw new UsageError(`unexpected argument '${positionals[count]}' (usage: ${usage})`);
  if (positionals.length < count) throw new UsageError(`missing argument (usage: ${usage})`);
}
