/**
 * `npm run test:runtimes` (after `npm run build`): the SDK's ingest path on every runtime we claim, from the
 * packed tarballs installed into a new project. Node 18 and 22, Bun and Deno come from npm (their packages
 * download the runtime from the npm registry) into node_modules/.cache/zerobus-runtimes, kept between runs.
 *
 * Each runtime runs scripts/tarball-consumer/runtime-client.mjs twice — against a plaintext local service and
 * against a TLS one (the repository's test certificate, the endpoint named `localhost`) — and the table must
 * then hold its 1,000 records each time, and a second table the 1,000 rows its Arrow stream sent. The Node runtimes also run the installed `zerobus --help` and the
 * local service themselves (esm.mjs and cjs.cjs: start, create a table, ingest 1,000 records, read back).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsumerProject, REPO, repoVersion, run, runNpm, userEnv, type ConsumerProject } from "./support/installed-packages.js";

type LocalModule = typeof import("@zerobus-ts/local");

const CACHE = join(REPO, "node_modules", ".cache", "zerobus-runtimes");
const CERTS = join(REPO, "packages", "local", "src", "service", "test-support");
/** npm package spec, the binary inside the cache, the arguments before the script. */
const RUNTIMES = [
  { name: "node 18", spec: "node18@npm:node@18", bin: "node_modules/node18/bin/node", args: [] as string[] },
  { name: "node 22", spec: "node22@npm:node@22", bin: "node_modules/node22/bin/node", args: [] },
  { name: "bun", spec: "bun@1", bin: "node_modules/bun/bin/bun.exe", args: [] },
  // Deno asks for each permission: network, the environment (settings, grpc-js's GRPC_* variables), files (CA_CERT).
  { name: "deno", spec: "deno@2", bin: "node_modules/deno/deno", args: ["run", "--allow-net", "--allow-env", "--allow-read"] },
] as const;
const RECORDS = 1000;

/** Installs the runtimes into the cache unless they are there; their packages' install scripts fetch the binaries. */
async function installRuntimes(): Promise<void> {
  if (RUNTIMES.every((r) => existsSync(join(CACHE, r.bin)))) return;
  mkdirSync(CACHE, { recursive: true });
  // npm ≥ 11.19 runs dependencies' install scripts only when allowed: these three packages need theirs.
  writeFileSync(join(CACHE, "package.json"), JSON.stringify({ name: "zerobus-runtimes", private: true, allowScripts: { node: true, bun: true, deno: true } }) + "\n");
  await runNpm(["install", "--no-audit", "--no-fund", "--prefer-offline", ...RUNTIMES.map((r) => r.spec)], CACHE, 600_000);
}

/** The command that runs `script` on `runtime`. */
function command(runtime: (typeof RUNTIMES)[number], script: string): { file: string; args: string[] } {
  return { file: join(CACHE, runtime.bin), args: [...runtime.args, script] };
}

async function main(): Promise<void> {
  const started = performance.now();
  await installRuntimes();
  const project: ConsumerProject = await createConsumerProject({
    files: ["round-trip.cjs", "esm.mjs", "cjs.cjs", "runtime-client.mjs"].map((f) => `scripts/tarball-consumer/${f}`),
    extra: [`apache-arrow@${repoVersion("apache-arrow")}`],
  });
  const local = createRequire(join(project.dir, "package.json"))("@zerobus-ts/local") as LocalModule;
  const dataDir = mkdtempSync(join(tmpdir(), "zerobus-runtimes-"));
  const tls = { cert: readFileSync(join(CERTS, "tls-test-cert.pem")), key: readFileSync(join(CERTS, "tls-test-key.pem")) };
  const services = { plaintext: await local.startLocalService({ dataDir, port: 0 }), tls: await local.startLocalService({ dataDir, port: 0, tls }) };
  const results: string[] = [];
  let failed = false;
  try {
    for (const runtime of RUNTIMES) {
      for (const [kind, service] of Object.entries(services)) {
        const table = `main.runtimes.${runtime.name.replace(/\W/g, "_")}_${kind}`;
        await service.createTable(table, "id BIGINT NOT NULL, runtime STRING");
        await service.createTable(`${table}_arrow`, "id BIGINT NOT NULL, runtime STRING");
        const env = userEnv({
          ZEROBUS_SERVER_ENDPOINT: service.serverEndpoint,
          DATABRICKS_WORKSPACE_URL: service.workspaceUrl,
          DATABRICKS_CLIENT_ID: service.clientId,
          DATABRICKS_CLIENT_SECRET: service.clientSecret,
          TABLE: table,
          ARROW_TABLE: `${table}_arrow`,
          ...(kind === "tls" ? { CA_CERT: join(CERTS, "tls-test-cert.pem") } : {}),
        });
        const { file, args } = command(runtime, "runtime-client.mjs");
        const t0 = performance.now();
        const out = await run(file, args, { cwd: project.dir, timeoutMs: 90_000, env });
        const read = async (name: string) => (out.code === 0 ? (await local.readTable(join(dataDir, ...name.split(".")))).rows : []);
        const complete = (rows: Array<Record<string, unknown>>) => rows.length === RECORDS && new Set(rows.map((r) => r["id"])).size === RECORDS;
        const rows = await read(table);
        const arrowRows = await read(`${table}_arrow`);
        const ok = out.code === 0 && complete(rows) && complete(arrowRows);
        failed ||= !ok;
        const seconds = ((performance.now() - t0) / 1000).toFixed(1);
        results.push(`${ok ? "ok  " : "FAIL"} ${runtime.name.padEnd(8)} SDK → local service (${kind} ${service.serverEndpoint}): ${rows.length} record rows and ${arrowRows.length} Arrow rows, ${seconds} s ${ok ? out.stdout.trim() : `\n${out.stdout}${out.stderr}`}`);
        console.log(results.at(-1));
      }
      if (!runtime.name.startsWith("node")) continue;
      const help = await run(join(CACHE, runtime.bin), [join(project.packageDir("@zerobus-ts/cli"), "bin", "zerobus.mjs"), "--help"], { cwd: project.dir, timeoutMs: 30_000 });
      const helpOk = help.code === 0 && help.stdout.startsWith("Usage: zerobus");
      failed ||= !helpOk;
      results.push(`${helpOk ? "ok  " : "FAIL"} ${runtime.name.padEnd(8)} zerobus --help${helpOk ? "" : `\n${help.stdout}${help.stderr}`}`);
      console.log(results.at(-1));
      for (const script of ["esm.mjs", "cjs.cjs"]) {
        const { file, args } = command(runtime, script);
        const out = await run(file, [...args, String(RECORDS)], { cwd: project.dir, timeoutMs: 90_000 });
        let ok = out.code === 0;
        if (ok) {
          const result = JSON.parse(out.stdout) as { rows: number; distinct: number };
          ok = result.rows === RECORDS && result.distinct === RECORDS;
        }
        failed ||= !ok;
        results.push(`${ok ? "ok  " : "FAIL"} ${runtime.name.padEnd(8)} local service + SDK in process (${script}) ${ok ? out.stdout.trim() : `\n${out.stdout}${out.stderr}`}`);
        console.log(results.at(-1));
      }
    }
  } finally {
    await Promise.all(Object.values(services).map((s) => s.close()));
    rmSync(dataDir, { recursive: true, force: true });
    project.remove();
  }
  console.log(`\n${failed ? "FAILED" : "all runtimes passed"} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  assert.ok(!failed, "a runtime failed (see above)");
}

await main();
