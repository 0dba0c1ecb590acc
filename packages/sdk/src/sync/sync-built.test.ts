/**
 * The published blocking client: the built CommonJS and ESM outputs (run `npm run build` first), loaded by a
 * plain `node` (no TypeScript loader, no source condition) through the package's `./sync` export, each
 * running a synchronous script against a scripted server in this process. This is what proves the worker
 * script is found from both builds without `import.meta` or `__filename`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { TABLE } from "../test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedServer } from "../test-support/scripted-server.js";
import { requestRecords } from "../test-support/wire-schema.js";

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** The script body shared by both module systems: ingest 100 JSON records, flush, close, report. */
const BODY = `
const T = ${JSON.stringify(TABLE)};
const sdk = new ZerobusSdk(process.env.ENDPOINT, "http://127.0.0.1:1");
const stream = sdk.createStream(new TableProperties(T), "", "", { recordType: RecordType.JSON }, [["authorization", "Bearer t"], ["x-databricks-zerobus-table-name", T]]);
const first = stream.ingestRecord({ n: 0, build: process.env.BUILD });
for (let n = 1; n < 100; n++) stream.ingestRecordOffset({ n, build: process.env.BUILD });
stream.flush();
const acked = first.waitForAck();
stream.close();
sdk.close();
console.log(JSON.stringify({ acked: String(acked), state: stream.getState(), unacked: stream.getUnackedRecords().length }));
`;

function plainNode(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: PACKAGE_DIR, env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

const servers: ScriptedServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

describe("published blocking client (run `npm run build` first)", () => {
  for (const build of ["cjs", "esm"] as const) {
    it(`runs from the ${build === "cjs" ? "CommonJS" : "ESM"} build with plain node`, async () => {
      const server = await startScriptedServer((call) => autoAck(call));
      servers.push(server);
      const script =
        build === "cjs"
          ? ["-e", `const { ZerobusSdk, TableProperties, RecordType } = require("@zerobus-ts/sdk/sync");\n${BODY}`]
          : ["--input-type=module", "-e", `import { ZerobusSdk, TableProperties, RecordType } from "@zerobus-ts/sdk/sync";\n${BODY}`];
      const out = JSON.parse(await plainNode(script, { ENDPOINT: server.endpoint, BUILD: build }));
      assert.deepEqual(out, { acked: "0", state: 3, unacked: 0 });
      const records = server.calls[0]!.received.filter((r) => !r.createStream).flatMap((r) => requestRecords(r).records.map((b) => JSON.parse(b.toString())));
      assert.deepEqual(records.map((r) => r.n), Array.from({ length: 100 }, (_, n) => n));
      assert.ok(records.every((r) => r.build === build));
    });
  }
});
