#!/usr/bin/env node
// The `zerobus` command. Runs the TypeScript sources through tsx (installed with the workspace), so the
// command works straight after `npm install` with no build step.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = require.resolve("tsx");
const result = spawnSync(process.execPath, ["--conditions=zerobus-source", "--import", tsx, main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
