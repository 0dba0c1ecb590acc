/**
 * Entry point of the `zerobus` command (bin/zerobus.mjs runs it): runs the command line and
 * exits with its code once the output is written.
 */
import { runCli } from "./run-cli.js";

const code = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });

// Exit explicitly — a finished command must not linger on an idle handle — but only after both streams
// have flushed, since pipes are written asynchronously and exiting early would cut the output.
let pending = 2;
const done = () => {
  if (--pending === 0) process.exit(code);
};
process.stdout.write("", done);
process.stderr.write("", done);
