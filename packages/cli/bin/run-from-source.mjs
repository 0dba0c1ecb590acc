// Repository only (not published): runs the `zerobus` command from its TypeScript sources through tsx, for
// a checkout that has not been built (`npm run build` makes dist/). bin/zerobus.mjs hands over to it.
//
// The command runs in a child process (the "zerobus-source" condition must be set when Node starts), so
// this launcher passes on the signals it gets — `kill <pid>` must stop `zerobus local` gracefully — and
// exits the way the child did.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = require.resolve("tsx");
const child = spawn(process.execPath, ["--conditions=zerobus-source", "--import", tsx, main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of SIGNALS) process.on(signal, () => child.kill(signal));
child.on("error", (err) => {
  console.error(`zerobus: cannot start: ${err.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    for (const s of SIGNALS) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
