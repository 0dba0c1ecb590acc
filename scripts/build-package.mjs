// Builds the package in the current directory twice: ESM (dist/esm) and CommonJS (dist/cjs).
// Each output folder gets a package.json naming its module type, so Node loads both correctly.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const dist = join(process.cwd(), "dist");

rmSync(dist, { recursive: true, force: true });
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { stdio: "inherit" });
run(["-p", "tsconfig.build.json", "--outDir", "dist/esm"]);
run(["-p", "tsconfig.build.json", "--outDir", "dist/cjs", "--module", "commonjs", "--moduleResolution", "node10", "--verbatimModuleSyntax", "false"]);
for (const [dir, type] of [["esm", "module"], ["cjs", "commonjs"]]) {
  mkdirSync(join(dist, dir), { recursive: true });
  writeFileSync(join(dist, dir, "package.json"), JSON.stringify({ type }) + "\n");
}
