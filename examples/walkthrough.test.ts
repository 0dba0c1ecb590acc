/**
 * The README's command-line walkthrough, run as written: only the documented commands, through the real
 * `zerobus` binary (`node packages/cli/bin/zerobus.mjs`), each as its own process, in a scratch directory.
 * If a newcomer's first five minutes break, this fails.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import protobuf from "protobufjs";
import { runZerobus, startZerobus, waitForExit, waitForOutput, type ZerobusProcess } from "../packages/cli/src/test-support/run-zerobus.js";

const TABLE = "main.default.air_quality";
/** The README's data.csv: a header naming the columns, an empty cell for a NULL. */
const DATA_CSV = "device_name,temp,humidity\nsensor-1,21,40\nsensor-2,19,\nsensor-3,23,55\n";

/** The variables of the `export …` line `zerobus local` prints (values need no quoting here). */
function exportedVariables(stdout: string): Record<string, string> {
  const line = stdout.split("\n").find((l) => l.startsWith("export "));
  assert.ok(line, `no export line in:\n${stdout}`);
  return Object.fromEntries(line.slice("export ".length).split(" ").map((pair) => pair.split("=", 2) as [string, string]));
}

describe("README walkthrough: zerobus local → tables create → ingest → proto → tables head/count", { timeout: 60_000 }, () => {
  let dir: string;
  let local: ZerobusProcess | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "zerobus-walkthrough-"));
  });
  after(async () => {
    local?.kill(); // only does something when a step failed before the graceful stop
    await rm(dir, { recursive: true, force: true });
  });

  test("every step does what the README says", async () => {
    // 1. Start the local service; it prints the environment to paste into the client's shell.
    local = startZerobus(["local", "--port", "0", "--data-dir", "./zerobus-data"], { cwd: dir });
    const env = exportedVariables(await waitForOutput(local, (out) => out.includes("\nServing."), 20_000));
    const zerobus = (...args: string[]) => runZerobus(args, { env, cwd: dir });

    // 2. Create the table.
    const created = await zerobus("tables", "create", TABLE, "device_name STRING, temp INT, humidity BIGINT");
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, `created table ${TABLE}\n`);

    // 3. Ingest a CSV file (a JSON stream; cells converted by the table's column types).
    await writeFile(join(dir, "data.csv"), DATA_CSV);
    const ingested = await zerobus("ingest", "--table", TABLE, "data.csv");
    assert.equal(ingested.code, 0, ingested.stderr);
    assert.match(ingested.stdout, /^ingested 3 records into main\.default\.air_quality from 1 file\(s\) in /);

    // 4. The table's schema as a .proto file, for code that sends PROTO records.
    const proto = await zerobus("proto", "--table", TABLE, "--out", "air_quality.proto");
    assert.equal(proto.code, 0, proto.stderr);
    const root = protobuf.parse(await readFile(join(dir, "air_quality.proto"), "utf8"), { keepCase: true }).root;
    const message = root.lookupType("air_quality");
    assert.deepEqual(
      message.fieldsArray.map((f) => [f.name, f.type, f.id, f.required]),
      [["device_name", "string", 1, false], ["temp", "int32", 2, false], ["humidity", "int64", 3, false]],
    );

    // 5. Read the rows back: through the service's rows API, and from the Delta table on disk.
    const [head, count] = await Promise.all([
      zerobus("tables", "head", TABLE),
      zerobus("tables", "count", TABLE, "--data-dir", "./zerobus-data"),
    ]);
    assert.equal(head.code, 0, head.stderr);
    assert.equal(
      head.stdout,
      '{"device_name":"sensor-1","temp":21,"humidity":40}\n' +
        '{"device_name":"sensor-2","temp":19,"humidity":null}\n' +
        '{"device_name":"sensor-3","temp":23,"humidity":55}\n',
    );
    assert.equal(count.code, 0, count.stderr);
    assert.equal(count.stdout, "3\n");

    // 6. Ctrl+C (SIGINT) stops the service gracefully.
    local.child.kill("SIGINT");
    const stopped = await waitForExit(local, 15_000);
    assert.equal(stopped.code, 0, stopped.stderr);
  });
});
