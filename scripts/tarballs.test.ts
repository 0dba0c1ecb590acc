/**
 * The published packages, proven from their tarballs (run `npm run build` first; `npm test` does): the
 * three workspaces are packed with `npm pack` and installed into one new project outside the repository
 * (no workspace, no tsx), where plain Node imports and requires them, runs the local service and the SDK
 * end to end, runs the installed `zerobus` command, and TypeScript checks a consumer against their
 * declarations. publint and @arethetypeswrong/cli lint each tarball, and no tarball may hold a test, test
 * support, a fixture or a private key.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createConsumerProject, REPO, repoVersion, run, runOk, start, type ConsumerProject } from "./support/installed-packages.js";

const CONSUMER_FILES = ["round-trip.cjs", "esm.mjs", "cjs.cjs", "consumer.ts", "tsconfig.node16.json", "tsconfig.bundler.json"].map(
  (f) => `scripts/tarball-consumer/${f}`,
);
/** Paths no published file may have: tests, test support, fixtures, end-to-end suites, keys. */
const FORBIDDEN = [/\.test\.[cm]?[jt]s$/, /(^|\/)test-support\//, /fixture/i, /(^|\/)e2e\//, /\.(pem|key|p12|pfx)$/];
/** What each package must ship, beyond README.md and LICENSE. */
const REQUIRED: Record<string, string[]> = {
  "@zerobus-ts/sdk": ["proto/zerobus_service.proto", "dist/esm/index.js", "dist/cjs/index.js", "dist/esm/sync/sync-worker.js", "dist/cjs/sync/sync-worker.js"],
  "@zerobus-ts/local": ["dist/esm/index.js", "dist/cjs/index.js", "dist/esm/service/sdk-proto-path.cjs", "dist/cjs/service/sdk-proto-path.cjs"],
  "@zerobus-ts/cli": ["bin/zerobus.mjs", "dist/esm/main.js", "dist/esm/index.js"],
};
const bin = (name: string) => join(REPO, "node_modules", ".bin", name);

describe("packages installed from their tarballs (run `npm run build` first)", { timeout: 240_000 }, () => {
  let project: ConsumerProject;
  before(async () => {
    project = await createConsumerProject({ extra: [`typescript@${repoVersion("typescript")}`, `@types/node@${repoVersion("@types/node")}`], files: CONSUMER_FILES });
  }, { timeout: 200_000 });
  after(() => project?.remove());

  it("ship what they need and no test, test support, fixture or private key", () => {
    assert.deepEqual(project.packages.map((p) => p.name).sort(), Object.keys(REQUIRED).sort());
    for (const pkg of project.packages) {
      const leaked = pkg.files.filter((file) => FORBIDDEN.some((pattern) => pattern.test(file)));
      assert.deepEqual(leaked, [], `${pkg.name} ships ${leaked.join(", ")}`);
      for (const file of [...REQUIRED[pkg.name]!, "README.md", "LICENSE", "package.json"]) assert.ok(pkg.files.includes(file), `${pkg.name} lacks ${file}`);
      assert.ok(!pkg.files.includes("bin/run-from-source.mjs"), `${pkg.name} ships the repository's source launcher`);
      const keys = filesUnder(project.packageDir(pkg.name)).filter((file) => readFileSync(file, "latin1").includes("PRIVATE KEY-----"));
      assert.deepEqual(keys, [], `${pkg.name} ships a private key`);
    }
    assert.ok(!existsSync(join(project.dir, "node_modules", "tsx")), "tsx was installed with the packages");
  });

  for (const [kind, script] of [["import", "esm.mjs"], ["require", "cjs.cjs"]] as const) {
    it(`plain Node loads them with ${kind}: local service started, 1,000 records ingested with the SDK and read back`, async () => {
      const out = JSON.parse(await runOk(process.execPath, [script, "1000"], { cwd: project.dir, timeoutMs: 60_000 }));
      assert.deepEqual(out.loaded, { sdk: out.loaded.sdk, sync: "function", local: "function" });
      assert.ok(out.loaded.sdk > 20, `only ${out.loaded.sdk} SDK exports`);
      assert.deepEqual({ rows: out.rows, first: out.first, last: out.last, distinct: out.distinct }, { rows: 1000, first: 0, last: 999, distinct: 1000 });
    });
  }

  it("the installed zerobus command prints its help, and `zerobus local --port 0` serves until SIGINT", async () => {
    const zerobus = join(project.dir, "node_modules", ".bin", "zerobus");
    const help = await runOk(zerobus, ["--help"], { cwd: project.dir, timeoutMs: 30_000 });
    assert.match(help, /^Usage: zerobus <command> \[options\]/);
    const local = start(zerobus, ["local", "--port", "0", "--data-dir", "./zerobus-data"], project.dir);
    try {
      const out = await local.waitFor("\nServing.", 30_000);
      assert.match(out, /^export ZEROBUS_SERVER_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ DATABRICKS_WORKSPACE_URL=http:\/\/127\.0\.0\.1:\d+ /m);
      local.child.kill("SIGINT");
      const exit = await local.exited;
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.stderr);
      assert.match(exit.stdout + exit.stderr, /received SIGINT: closing/);
    } finally {
      local.kill();
    }
  });

  it("a TypeScript consumer type-checks against sdk and local with node16 and bundler resolution (declarations checked too)", async () => {
    const tsc = join(project.dir, "node_modules", "typescript", "bin", "tsc");
    const results = await Promise.all(
      ["node16", "bundler"].map((resolution) => run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: project.dir, timeoutMs: 90_000 })),
    );
    for (const [i, result] of results.entries()) assert.equal(result.code, 0, `${["node16", "bundler"][i]}: ${result.stdout}${result.stderr}`);
  });

  it("publint and @arethetypeswrong/cli find no problems in any tarball", async () => {
    for (const pkg of project.packages) {
      const lint = await run(bin("publint"), ["run", pkg.tarball, "--strict"], { cwd: project.dir, timeoutMs: 60_000 });
      assert.equal(lint.code, 0, `publint ${pkg.name}:\n${lint.stdout}${lint.stderr}`);
      // The CLI's library entry (runCli) is ESM only, like its bin: CommonJS callers use import().
      const profile = pkg.name === "@zerobus-ts/cli" ? ["--profile", "esm-only"] : [];
      const types = await run(bin("attw"), [pkg.tarball, ...profile, "--no-emoji", "--no-color"], { cwd: project.dir, timeoutMs: 60_000 });
      assert.equal(types.code, 0, `attw ${pkg.name}:\n${types.stdout}${types.stderr}`);
    }
  });
});

/** Every file under `dir`, recursively (an installed package: small, no links followed). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
