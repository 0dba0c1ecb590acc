// Builds the package in the current directory: ESM (dist/esm) and, unless `--esm-only`, CommonJS (dist/cjs).
// Each output folder gets a package.json naming its module type, so Node loads both correctly.
// The declaration files named by the package's `exports` then get `/// <reference types="node" />`: their
// types use Node's (streams, Buffer), and saying so lets a consumer's compiler report a missing @types/node
// by name instead of as unknown types deep inside ours.
// Usage (from a package directory): node ../../scripts/build-package.mjs [--esm-only]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const dist = join(process.cwd(), "dist");
const formats = process.argv.includes("--esm-only") ? ["esm"] : ["esm", "cjs"];

rmSync(dist, { recursive: true, force: true });
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { stdio: "inherit" });
run(["-p", "tsconfig.build.json", "--outDir", "dist/esm"]);
if (formats.includes("cjs")) {
  run(["-p", "tsconfig.build.json", "--outDir", "dist/cjs", "--module", "commonjs", "--moduleResolution", "node10", "--verbatimModuleSyntax", "false"]);
}
for (const [dir, type] of [["esm", "module"], ["cjs", "commonjs"]]) {
  if (!formats.includes(dir)) continue;
  mkdirSync(join(dist, dir), { recursive: true });
  writeFileSync(join(dist, dir, "package.json"), JSON.stringify({ type }) + "\n");
}

const NODE_TYPES = '/// <reference types="node" />\n';
for (const file of exportedDeclarations(JSON.parse(readFileSync("package.json", "utf8")))) {
  const text = readFileSync(file, "utf8");
  if (!text.startsWith(NODE_TYPES)) writeFileSync(file, NODE_TYPES + text);
}

/** Every `types` path under `exports` that points into dist/ (the entry points a consumer's compiler loads). */
function exportedDeclarations(pkg) {
  const found = new Set();
  const visit = (value, key) => {
    if (typeof value === "string") {
      if (key === "types" && value.startsWith("./dist/")) found.add(value);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(pkg.exports, "");
  return [...found];
}
