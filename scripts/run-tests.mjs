// Runs every *.test.ts under packages/, examples/ and scripts/ with Node's own test runner, loading TypeScript through tsx.
// The "zerobus-source" export condition makes packages import each other's sources, so no build is needed.
// Usage: node scripts/run-tests.mjs [filter ...]   (a filter keeps test files whose path contains it)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const files = ["packages", "examples", "scripts"].flatMap((dir) => findTests(join(root, dir)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--conditions=zerobus-source", "--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=120000", ...files],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
