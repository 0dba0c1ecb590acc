/**
 * The blocking client in the only setting it is for: a plain synchronous script (a child process whose
 * code has no `await`), here run from the TypeScript sources, against a scripted gRPC server in this
 * process. Each script prints one JSON object of what it saw; the server records what it received.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { TABLE, within } from "../test-support/fixtures.js";
import { autoAck, startScriptedServer, type ScriptedCall } from "../test-support/scripted-server.js";
import { requestRecords } from "../test-support/wire-schema.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

/** What every script starts with: the SDK, a table, fixed headers and a helper describing thrown errors. */
const PRELUDE = `
const { ZerobusSdk, TableProperties, RecordType, StreamState, NonRetriableException } = require("@zerobus-ts/sdk/sync");
const T = ${JSON.stringify(TABLE)};
const HEADERS = [["authorization", "Bearer test-token"], ["x-databricks-zerobus-table-name", T]];
const out = {};
function error(fn) {
  try { fn(); return null; }
  catch (e) { return { name: e.name, message: e.message, grpcCode: e.grpcCode, nonRetriable: e instanceof NonRetriableException }; }
}
const sdk = new ZerobusSdk(process.env.ENDPOINT, "http://127.0.0.1:1", { applicationName: "sync-script/1" });
`;
const EPILOGUE = `
sdk.close();
process.stdout.write(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? v.toString() + "n" : v)));
`;

/** Runs `body` as a synchronous CommonJS script from the SDK's sources; resolves with its JSON output. */
function runScript(body: string, endpoint: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=zerobus-source", "--import", "tsx", "-e", PRELUDE + body + EPILOGUE],
      { cwd: REPO, env: { ...process.env, ENDPOINT: endpoint }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`script failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`script printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const servers: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(script: (call: ScriptedCall, index: number) => void | Promise<void>) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

/** The JSON records (their `n`) a call received, in order. */
function jsonNumbers(call: ScriptedCall): number[] {
  const requests = call.received.filter((r) => !r.createStream).map(requestRecords);
  return requests.flatMap((r) => r.records.map((b) => JSON.parse(b.toString()).n as number));
}

describe("blocking client (@zerobus-ts/sdk/sync) in a synchronous script", () => {
  it("ingests, waits for acks, flushes and closes a JSON stream", async () => {
    const server = await serve((call) => autoAck(call, "sync-json"));
    const out = await runScript(
      `
      const stream = sdk.createStream(new TableProperties(T), "", "", { recordType: RecordType.JSON }, HEADERS);
      const first = stream.ingestRecord({ n: 0 });
      out.first = [first.offset, first.waitForAck(5), first.isDone(), first.error === undefined];
      const batch = stream.ingestRecords([{ n: 1 }, '{"n":2}']);
      let doneWith = null;
      batch.addDoneCallback((ack) => { doneWith = ack.offset; });
      for (let n = 3; n < 1000; n++) stream.ingestRecordOffset({ n });
      out.lastBatch = stream.ingestRecordsOffset([{ n: 1000 }, { n: 1001 }]);
      out.empty = [stream.ingestRecords([]), stream.ingestRecordsOffset([])];
      out.badRecord = error(() => stream.ingestRecord(Buffer.from("bytes on a JSON stream")));
      stream.waitForOffset(out.lastBatch);
      out.notAssigned = error(() => stream.waitForOffset(5000));
      stream.flush();
      out.doneWith = doneWith;
      out.state = stream.getState();
      out.streamId = stream.streamId;
      stream.close();
      stream.close();
      out.closed = [stream.isClosed, stream.getState(), stream.getUnackedRecords().length];
      out.afterClose = error(() => stream.ingestRecord({ n: -1 }));
      `,
      server.endpoint,
    );
    assert.deepEqual(out.first, ["0n", "0n", true, true]);
    assert.equal(out.lastBatch, "999n");
    assert.deepEqual(out.empty, [null, null]);
    assert.equal(out.badRecord.nonRetriable, true);
    assert.match(out.notAssigned.message, /has not been assigned yet \(next offset is 1000\)/);
    assert.equal(out.doneWith, "1n", "the done callback ran in the script's thread");
    assert.equal(out.state, 1);
    assert.equal(out.streamId, "sync-json");
    assert.deepEqual(out.closed, [true, 3, 0]);
    assert.match(out.afterClose.message, /after stream is closed/);
    assert.deepEqual(jsonNumbers(server.calls[0]!), Array.from({ length: 1002 }, (_, n) => n));
    assert.match(server.calls[0]!.metadata["user-agent"] ?? "", /^zerobus-ts\/\S+ sync-script\/1/, "applicationName crossed into the worker");
  });

  it("encodes PROTO plain objects and messages in the caller's thread with a protobufjs descriptor", async () => {
    const server = await serve((call) => autoAck(call));
    const out = await runScript(
      `
      const protobuf = require("protobufjs");
      const Row = protobuf.parse('syntax = "proto2"; message Row { required int64 id = 1; optional string name = 2; }', { keepCase: true }).root.lookupType("Row");
      const stream = sdk.createStream("", "", new TableProperties(T, Row), undefined, HEADERS);
      stream.ingestRecord({ id: 1n, name: "plain" });
      stream.ingestRecord(Row.create({ id: 2, name: "message" }));
      stream.ingestRecord(Row.encode({ id: 3, name: "bytes" }).finish());
      out.batch = stream.ingestRecords([{ id: "4" }, { id: 5, name: "five" }]).waitForAck();
      out.unknownField = error(() => stream.ingestRecord({ id: 6, nope: true }));
      out.json = error(() => stream.ingestRecord("text on a PROTO stream"));
      stream.close();
      out.noDescriptor = error(() => sdk.createStream(T && new TableProperties(T), "", "", { recordType: RecordType.PROTO }, HEADERS));
      `,
      server.endpoint,
    );
    assert.equal(out.batch, "3n");
    assert.equal(out.unknownField.nonRetriable, true);
    assert.equal(out.json.nonRetriable, true);
    assert.match(out.noDescriptor.message, /Proto descriptor is required/);
    const Row = protobuf.parse('syntax = "proto2"; message Row { required int64 id = 1; optional string name = 2; }', { keepCase: true }).root.lookupType("Row");
    const call = server.calls[0]!;
    assert.ok((call.received[0]!.createStream?.descriptorProto?.length ?? 0) > 0, "the descriptor was sent");
    const rows = call.received.slice(1).flatMap((r) => requestRecords(r).records.map((b) => Row.toObject(Row.decode(b), { longs: Number })));
    assert.deepEqual(rows, [
      { id: 1, name: "plain" },
      { id: 2, name: "message" },
      { id: 3, name: "bytes" },
      { id: 4 },
      { id: 5, name: "five" },
    ]);
  });

  it("blocks at maxInflightRecords, surfaces a failure as NonRetriableException, keeps the unacked records and recreates the stream", async () => {
    let maxUnacked = 0;
    const server = await serve(async (call, index) => {
      if (index > 0) return autoAck(call, "second");
      await call.next();
      call.sendCreateResponse("first");
      // Ack in bursts of 4 records (the engine may put several in one request): a client admitting more
      // than 4 unacknowledged records would show here. A request holding record 32 fails the stream.
      for (let received = 0, acked = 0; ; ) {
        const request = await call.nextIngest();
        if (!request) return;
        const numbers = request.records.map((r) => JSON.parse(r.toString()).n as number);
        if (numbers.includes(32)) return call.end(3, "Record at offset 32 is invalid");
        received += numbers.length;
        maxUnacked = Math.max(maxUnacked, received - acked);
        if (received - acked >= 4 || received === 30 || received === 32) {
          call.ack(request.offset);
          acked = received;
        }
      }
    });
    const out = await runScript(
      `
      const stream = sdk.createStream(new TableProperties(T), "", "", { recordType: RecordType.JSON, maxInflightRecords: 4, recovery: false }, HEADERS);
      for (let n = 0; n < 30; n++) stream.ingestRecordOffset({ n });
      stream.flush();
      const acks = [stream.ingestRecord({ n: 30 }), stream.ingestRecord({ n: 31 })];
      out.acked31 = acks[1].waitForAck();
      for (let n = 32; n < 35; n++) acks.push(stream.ingestRecord({ n }));
      out.failure = error(() => acks[4].waitForAck());
      out.failedAck = error(() => acks[2].waitForAck());
      out.ackError = acks[3].error && acks[3].error.message;
      out.ingestAfter = error(() => stream.ingestRecord({ n: 99 }));
      out.flushAfter = error(() => stream.flush());
      out.state = stream.getState();
      out.unacked = stream.getUnackedRecords().map((b) => JSON.parse(b.toString()).n);
      out.close = error(() => stream.close());
      const fresh = sdk.recreateStream(stream);
      out.freshOffset = fresh.ingestRecordOffset({ n: 35 });
      fresh.close();
      out.notClosed = error(() => sdk.recreateStream(sdk.createStream(new TableProperties(T), "", "", { recordType: RecordType.JSON }, HEADERS)));
      `,
      server.endpoint,
    );
    assert.ok(maxUnacked <= 4, `the server saw ${maxUnacked} unacknowledged requests`);
    assert.deepEqual(jsonNumbers(server.calls[0]!).slice(0, 30), Array.from({ length: 30 }, (_, n) => n));
    for (const key of ["failure", "failedAck"]) {
      assert.equal(out[key].nonRetriable, true, key);
      assert.equal(out[key].grpcCode, 3, key);
      assert.match(out[key].message, /offset 32 is invalid/, key);
    }
    assert.equal(out.acked31, "31n");
    assert.match(out.ackError, /offset 32 is invalid/);
    assert.match(out.ingestAfter.message, /^Stream failed: .*offset 32 is invalid/);
    assert.equal(out.flushAfter.grpcCode, 3);
    assert.equal(out.state, 5);
    assert.deepEqual(out.unacked, [32, 33, 34]);
    assert.equal(out.close, null, "closing a failed stream is a no-op, as in the async API");
    assert.equal(out.freshOffset, "3n", "the recreated stream re-ingested 3 entries first");
    assert.deepEqual(jsonNumbers(server.calls[1]!), [32, 33, 34, 35]);
    assert.match(out.notClosed.message, /Stream is not closed/);
  });

  it("times out waits, refuses what cannot cross threads, and fails the stream when close cannot flush", async () => {
    const server = await serve(async (call) => {
      await call.next();
      call.sendCreateResponse("silent");
      while (await call.next()) {
        // never acknowledges
      }
      call.finish();
    });
    const out = await runScript(
      `
      const options = { recordType: RecordType.JSON, flushTimeoutMs: 200, recovery: false };
      out.ackCallback = error(() => sdk.createStream(new TableProperties(T), "", "", { ...options, ackCallback: () => {} }, HEADERS));
      out.headersFunction = error(() => sdk.createStream(new TableProperties(T), "", "", options, () => HEADERS));
      out.noCredentials = error(() => sdk.createStream(new TableProperties(T), "", "", options));
      out.badEndpoint = error(() => new ZerobusSdk("", ""));
      const stream = sdk.createStream(new TableProperties(T), "", "", options, HEADERS);
      const ack = stream.ingestRecord({ n: 0 });
      out.waitTimeout = error(() => ack.waitForAck(0.05));
      out.isDone = ack.isDone();
      out.flushTimeout = error(() => stream.flush());
      out.stateAfterTimeout = stream.getState();
      out.closeError = error(() => stream.close());
      out.state = stream.getState();
      out.unacked = stream.getUnackedRecords().map(String);
      `,
      server.endpoint,
    );
    assert.match(out.ackCallback.message, /cannot use the stream option 'ackCallback'.*addDoneCallback/);
    assert.match(out.headersFunction.message, /fixed headers/);
    assert.match(out.noCredentials.message, /clientId and clientSecret/);
    assert.equal(out.badEndpoint.nonRetriable, true);
    assert.match(out.waitTimeout.message, /Timed out waiting for acknowledgment of offset 0 after 0.05s/);
    assert.equal(out.isDone, false);
    assert.equal(out.flushTimeout.nonRetriable, false);
    assert.match(out.flushTimeout.message, /Flush timed out after 200 ms/);
    assert.equal(out.stateAfterTimeout, 1, "a timed-out flush leaves the stream open");
    assert.match(out.closeError.message, /timed out/);
    assert.equal(out.state, 5);
    assert.deepEqual(out.unacked, ['{"n":0}']);
    await within(server.calls[0]!.done, 5000, "the call to end");
  });
});
