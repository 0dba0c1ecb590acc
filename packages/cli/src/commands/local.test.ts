import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { readTable } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { runZerobus, startZerobus, waitForExit, waitForOutput, type ZerobusProcess } from "../test-support/run-zerobus.js";

/** The variables of the `export …` line. */
function parseExportLine(stdout: string): Record<string, string> {
  const line = stdout.split("\n").find((l) => l.startsWith("export "));
  assert.ok(line, `no export line in:\n${stdout}`);
  return Object.fromEntries(line.slice("export ".length).split(" ").map((pair) => pair.split("=", 2) as [string, string]));
}

// Ten zerobus processes in all, each compiling the sources through tsx: about 4 s apiece on a 2-core machine
// shared with other work, so the suite gets more than the 60 s the others have.
describe("zerobus local (real binary as a child process)", { timeout: 120_000 }, () => {
  let dir: string;
  const running: ZerobusProcess[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "zerobus-local-test-"));
  });
  after(async () => {
    for (const run of running) run.kill(); // only does something if a test failed midway
    await rm(dir, { recursive: true, force: true });
  });

  test("prints its environment, serves the CLI and the SDK, and closes cleanly on SIGTERM", async () => {
    const dataDir = join(dir, "data");
    const seeds = join(dir, "tables.json");
    await writeFile(seeds, JSON.stringify({ "main.default.seeded": "device_name STRING NOT NULL, temp INT" }));
    const local = startZerobus(["local", "--port", "0", "--data-dir", dataDir, "--tables", seeds, "--principal", "app:s3cret"]);
    running.push(local);
    const stdout = await waitForOutput(local, (out) => out.includes("\nServing."), 20_000);
    assert.match(stdout, /^created table main\.default\.seeded$/m);
    const env = parseExportLine(stdout);
    assert.deepEqual(Object.keys(env), ["ZEROBUS_SERVER_ENDPOINT", "DATABRICKS_WORKSPACE_URL", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"]);
    assert.match(env["ZEROBUS_SERVER_ENDPOINT"]!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(env["DATABRICKS_CLIENT_ID"], "app");
    assert.equal(env["DATABRICKS_CLIENT_SECRET"], "s3cret");
    assert.match(stdout, /principal: +client id app, secret s3cret/);

    // The CLI, configured by nothing but the printed variables.
    const created = await runZerobus(["tables", "create", "main.default.made", "id BIGINT NOT NULL, name STRING"], { env });
    assert.equal(created.code, 0, created.stderr);
    const listed = await runZerobus(["tables", "list", "main.default"], { env });
    assert.deepEqual(listed.stdout.trim().split("\n").sort(), ["main.default.made", "main.default.seeded"]);

    // A stream through the SDK.
    const sdk = new ZerobusSdk(env["ZEROBUS_SERVER_ENDPOINT"]!, env["DATABRICKS_WORKSPACE_URL"]!);
    try {
      const stream = await sdk.createStream(env["DATABRICKS_CLIENT_ID"]!, env["DATABRICKS_CLIENT_SECRET"]!, new TableProperties("main.default.made"), {
        recordType: RecordType.JSON,
      });
      for (let i = 0; i < 5; i++) await stream.ingestRecordOffset({ id: i, name: `n${i}` });
      await stream.close();
    } finally {
      sdk.close();
    }

    local.child.kill("SIGTERM"); // the launcher's pid: it passes the signal on to the command
    const result = await waitForExit(local, 15_000);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.signal, null);
    assert.match(result.stderr, /received SIGTERM: closing \(flushing pending commits\)…\nclosed\n$/);
    const table = await readTable(join(dataDir, "main", "default", "made"));
    assert.deepEqual(table.rows.map((r) => r["name"]), ["n0", "n1", "n2", "n3", "n4"]);

    // A second start on the same data dir leaves the existing tables and their rows alone.
    const again = startZerobus(["local", "--port", "0", "--data-dir", dataDir, "--tables", seeds]);
    running.push(again);
    const againOut = await waitForOutput(again, (out) => out.includes("\nServing."), 20_000);
    assert.match(againOut, /^table main\.default\.seeded exists: left as it is$/m);
    again.child.kill("SIGINT");
    assert.equal((await waitForExit(again, 15_000)).code, 0);
    assert.equal((await readTable(join(dataDir, "main", "default", "made"))).rows.length, 5);
  });

  test("--tls-cert/--tls-key serve https; --ca-cert lets the CLI trust it", async () => {
    // The local package's test certificate (127.0.0.1 and localhost), read in place.
    const certs = new URL("../../../local/src/service/test-support/", import.meta.url);
    const cert = fileURLToPath(new URL("tls-test-cert.pem", certs));
    const key = fileURLToPath(new URL("tls-test-key.pem", certs));
    const local = startZerobus(["local", "--port", "0", "--data-dir", join(dir, "tls-data"), "--tls-cert", cert, "--tls-key", key, "--no-auth"]);
    running.push(local);
    const env = parseExportLine(await waitForOutput(local, (out) => out.includes("\nServing."), 20_000));
    assert.match(env["ZEROBUS_SERVER_ENDPOINT"]!, /^https:\/\/localhost:\d+$/);
    assert.match(env["DATABRICKS_WORKSPACE_URL"]!, /^https:/);
    const input = join(dir, "tls.jsonl");
    await writeFile(input, '{"a":1}\n{"a":2}\n');

    const untrusted = await runZerobus(["tables", "create", "main.default.t", "a INT"], { env });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /cannot reach the workspace at https:.*self-signed certificate/);
    const created = await runZerobus(["tables", "create", "main.default.t", "a INT", "--ca-cert", cert], { env });
    assert.equal(created.code, 0, created.stderr);
    const ingested = await runZerobus(["ingest", "--table", "main.default.t", "--ca-cert", cert, input], { env });
    assert.equal(ingested.code, 0, ingested.stderr);

    local.child.kill("SIGTERM");
    assert.equal((await waitForExit(local, 15_000)).code, 0);
    assert.equal((await readTable(join(dir, "tls-data", "main", "default", "t"))).rows.length, 2);
  });

  test("bad options exit 2 without starting", async () => {
    const badSeeds = join(dir, "bad.json");
    await writeFile(badSeeds, '{"main.default.t": 5}');
    // One after another: seven tsx processes at once can starve a loaded 2-core CI machine.
    const invocations = [
      ["local", "--port", "5"],
      ["local", "--grpc-port", "x"],
      ["local", "--stream-lifetime", "soon"],
      ["local", "--tls-cert", "x.pem"],
      ["local", "--principal", "no-colon"],
      ["local", "--tables", badSeeds],
      ["local", "--help"],
    ];
    const results: Array<Awaited<ReturnType<typeof runZerobus>>> = [];
    for (const args of invocations) results.push(await runZerobus(args));
    const expectations = [
      /--port only takes 0/,
      /--grpc-port must be a whole number/,
      /--stream-lifetime must be a positive duration such as 30s/,
      /--tls-cert and --tls-key go together/,
      /--principal takes CLIENT_ID:SECRET, got 'no-colon'/,
      /--tables "main\.default\.t": "columns" must be a SQL column list/,
    ];
    expectations.forEach((pattern, i) => {
      assert.equal(results[i]!.code, 2, results[i]!.stderr);
      assert.match(results[i]!.stderr, pattern);
    });
    assert.equal(results[6]!.code, 0);
    assert.match(results[6]!.stdout, /^Usage: zerobus local \[options\]/);
  });
});

// A suite of its own, with its own time limit (the suite above spawns a dozen processes one after another).
describe("zerobus local behind its launcher", { timeout: 30_000 }, () => {
  test("a kill -9 of the launcher leaves no service behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zerobus-orphan-test-"));
    const local = startZerobus(["local", "--port", "0", "--data-dir", dir]);
    try {
      const env = parseExportLine(await waitForOutput(local, (out) => out.includes("\nServing."), 20_000));
      process.kill(local.child.pid!, "SIGKILL"); // the launcher alone: nothing is forwarded
      // The pipes close only when the service behind the launcher has exited too.
      const result = await waitForExit(local, 10_000);
      assert.equal(result.signal, "SIGKILL");
      await assert.rejects(fetch(`${env["DATABRICKS_WORKSPACE_URL"]}/health`), /fetch failed/);
    } finally {
      local.kill(); // the process group: only does something if the test failed midway
      await rm(dir, { recursive: true, force: true });
    }
  });
});
