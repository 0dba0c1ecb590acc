/**
 * The blocking client (`@zerobus-ts/sdk/sync`) against the local service, from a plain synchronous script
 * (a child process whose code has no `await`): OAuth client credentials, a PROTO stream of plain objects
 * encoded with a protobufjs descriptor, a JSON stream, acks waited on, flush and close; the Delta table read
 * back holds every row once.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readTable } from "@zerobus-ts/local";
import { makeTempDir, startService, tableDir } from "./support/e2e-harness.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const TABLE = "main.e2e.sync_rows";

const SCRIPT = `
const protobuf = require("protobufjs");
const { ZerobusSdk, TableProperties, RecordType, StreamState } = require("@zerobus-ts/sdk/sync");
const { ENDPOINT, WORKSPACE, CLIENT_ID, CLIENT_SECRET } = process.env;
const T = ${JSON.stringify(TABLE)};
const Row = protobuf.parse('syntax = "proto2"; message Row { required int64 id = 1; optional string name = 2; }', { keepCase: true }).root.lookupType("Row");
const out = {};
const sdk = new ZerobusSdk(ENDPOINT, WORKSPACE);

const proto = sdk.createStream(CLIENT_ID, CLIENT_SECRET, new TableProperties(T, Row));
const first = proto.ingestRecord({ id: 0n, name: "proto" });
out.firstAck = String(first.waitForAck(10));
for (let id = 1; id < 500; id++) proto.ingestRecordOffset({ id, name: "proto" });
const batch = [];
for (let id = 500; id < 600; id++) batch.push({ id, name: "proto batch" });
out.batchAck = String(proto.ingestRecords(batch).waitForAck(10));
proto.flush();
proto.close();
out.protoState = proto.getState() === StreamState.CLOSED;

const json = sdk.createStream({ tableName: T }, CLIENT_ID, CLIENT_SECRET, { recordType: RecordType.JSON, maxInflightRecords: 50 });
for (let id = 600; id < 1000; id++) json.ingestRecordOffset(id % 2 ? { id, name: "json" } : JSON.stringify({ id, name: "json text" }));
json.close();
out.jsonUnacked = json.getUnackedRecords().length;
sdk.close();
process.stdout.write(JSON.stringify(out));
`;

describe("blocking client against the local service", () => {
  it("a synchronous script ingests PROTO and JSON streams over OAuth; every row lands once", async () => {
    const temp = await makeTempDir();
    const service = await startService(temp.dir);
    try {
      await service.createTable(TABLE, "id BIGINT NOT NULL, name STRING");
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ["--conditions=zerobus-source", "--import", "tsx", "-e", SCRIPT],
          {
            cwd: REPO,
            timeout: 30_000,
            env: { ...process.env, ENDPOINT: service.serverEndpoint, WORKSPACE: service.workspaceUrl, CLIENT_ID: service.clientId, CLIENT_SECRET: service.clientSecret },
          },
          (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
        );
      });
      assert.deepEqual(JSON.parse(stdout), { firstAck: "0", batchAck: "500", protoState: true, jsonUnacked: 0 });

      const { rows } = await readTable(tableDir(temp.dir, TABLE));
      const ids = rows.map((r) => Number(r.id as bigint)).sort((a, b) => a - b);
      assert.deepEqual(ids, Array.from({ length: 1000 }, (_, id) => id));
      const names = new Map(rows.map((r) => [Number(r.id as bigint), r.name]));
      assert.equal(names.get(0), "proto");
      assert.equal(names.get(599), "proto batch");
      assert.equal(names.get(601), "json");
      assert.equal(names.get(600), "json text");
    } finally {
      await service.close();
      await temp.remove();
    }
  });
});
