/**
 * The Arrow stream against a scripted Flight DoPut server on loopback: the wire (headers, schema frame,
 * per-frame offset_ids, 2 MiB frames), acks by rows, a partly acknowledged batch resumed after a reconnect
 * from its first unacknowledged frame, lack-of-ack and rotation reconnects, backpressure by bytes, a schema
 * refused at creation, and an impossible ack ending the stream with its rows kept.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as arrow from "apache-arrow";
import { NonRetriableException } from "../errors.js";
import { ZerobusSdk } from "../sdk.js";
import { StreamState } from "../stream-state.js";
import { staticHeaders, TABLE, within } from "../test-support/fixtures.js";
import { NUMBERED_FIELDS, ipcBytes, numberedBatch } from "../test-support/arrow-fixtures.js";
import { autoAckFlight, startScriptedFlightServer, type ScriptedFlightCall, type ScriptedFlightServer } from "../test-support/scripted-flight-server.js";
import { MessageKind } from "./ipc-messages.js";
import type { ZerobusArrowStream } from "./arrow-stream.js";
import type { ArrowStreamConfigurationOptions } from "./arrow-options.js";

const FAST: ArrowStreamConfigurationOptions = { recoveryBackoffMs: 10, recoveryTimeoutMs: 2_000, flushTimeoutMs: 5_000 };
const servers: ScriptedFlightServer[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

async function open(
  script: (call: ScriptedFlightCall, index: number) => void | Promise<void>,
  options: ArrowStreamConfigurationOptions = {},
): Promise<{ server: ScriptedFlightServer; stream: ZerobusArrowStream }> {
  const server = await startScriptedFlightServer(script);
  servers.push(server);
  const sdk = new ZerobusSdk(server.endpoint, "");
  const stream = await sdk.createArrowStream({ tableName: TABLE, schemaFields: NUMBERED_FIELDS }, "", "", { ...FAST, ...options }, staticHeaders());
  return { server, stream };
}

/** Ready after the schema frame, then every frame taken without an ack until `frames` arrived. */
async function readyAndCollect(call: ScriptedFlightCall, frames: number) {
  await call.next();
  call.ready();
  const got = [];
  while (got.length < frames) got.push((await call.next())!);
  return got;
}

describe("ZerobusArrowStream (scripted Flight server)", () => {
  it("sends the schema frame first, one offset_id per frame (a 200,000-row batch in ≤ 2 MiB frames), and completes calls by rows", async () => {
    const { server, stream } = await open(autoAckFlight);
    assert.equal(await stream.ingestBatch(ipcBytes(numberedBatch(0, 10))), 0n);
    assert.equal(await stream.ingestBatch(numberedBatch(10, 200_000, 12)), 1n);
    await within(stream.close(), 5000, "close");
    const call = server.calls[0]!;
    assert.equal(call.metadata["x-databricks-zerobus-table-name"], TABLE);
    assert.match(call.metadata["user-agent"]!, /^zerobus-ts\//);
    const [schema, ...data] = call.received;
    assert.equal(schema!.kind, MessageKind.Schema);
    assert.equal(schema!.offsetId, undefined);
    assert.deepEqual(data.map((f) => f.offsetId), data.map((_, i) => i));
    assert.ok(data.length >= 3, `the big batch went out as several frames (${data.length - 1})`);
    assert.ok(data.every((f) => f.body.length <= 2 * 1024 * 1024 && f.kind === MessageKind.RecordBatch && !f.hasDescriptor));
    assert.equal(data.reduce((n, f) => n + f.rows, 0), 200_010);
    assert.equal(stream.isClosed, true);
    assert.equal(stream.metrics().recordsAcked, 200_010);
  });

  it("resumes a partly acknowledged batch after a reconnect from its first unacknowledged frame", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index === 0) {
        const frames = await readyAndCollect(call, 4);
        call.ack(1, frames[0]!.rows + frames[1]!.rows); // two of the batch's frames are durable
        call.end(grpc.status.UNAVAILABLE, "going away");
        return;
      }
      await autoAckFlight(call);
    });
    const rows = 300_000; // ~4 frames
    await stream.ingestBatch(numberedBatch(0, rows, 12));
    await within(stream.flush(), 5000, "flush after the reconnect");
    const [first, second] = [server.calls[0]!, server.calls[1]!];
    const acked = first.received[1]!.rows + first.received[2]!.rows;
    const resent = second.received.slice(1);
    assert.deepEqual(resent.map((f) => f.offsetId), resent.map((_, i) => i), "offsets restart at 0 on the new connection");
    assert.equal(resent.reduce((n, f) => n + f.rows, 0), rows - acked, "only the rows not acknowledged are sent again");
    assert.ok(resent[0]!.body.equals(first.received[3]!.body), "starting with the first unacknowledged frame");
    assert.deepEqual(await stream.getUnackedBatches(), []);
    await stream.close();
  });

  it("on a rotation request, waits for acknowledgments until 500 ms before the announced close, as the official clients do", async () => {
    const signals: Array<{ durationMs?: number; waitMs?: number }> = [];
    const info = (_message: string, fields?: { event?: string; durationMs?: number; waitMs?: number }) => {
      if (fields?.event === "zerobus.stream.close_signal") signals.push(fields);
    };
    const { server, stream } = await open(
      async (call, index) => {
        if (index > 0) return autoAckFlight(call);
        await readyAndCollect(call, 2);
        call.ack(0, 5, 700); // the first frame acked, the second not: the stream pauses before it moves on
        for (let f = await call.next(); f; f = await call.next());
        call.end();
      },
      { logger: { debug() {}, info, warn() {}, error() {} } },
    );
    await stream.ingestBatch(numberedBatch(0, 5));
    await stream.ingestBatch(numberedBatch(5, 5));
    await within(stream.flush(), 5000, "flush after the rotation");
    assert.deepEqual(signals.map((s) => [s.durationMs, s.waitMs]), [[700, 200]]);
    assert.equal(server.calls[1]!.received.reduce((n, f) => n + f.rows, 0), 5, "the unacknowledged batch went out again");
    await stream.close();
  });

  it("reconnects when no ack comes within serverLackOfAckTimeoutMs, and on a rotation request", async () => {
    const { server, stream } = await open(
      async (call, index) => {
        if (index === 0) return void (await readyAndCollect(call, 1)); // silent: the ack timer fires
        if (index === 1) {
          const [frame] = await readyAndCollect(call, 1);
          call.ack(frame!.offsetId!, frame!.rows, 1000); // ack + close_stream_duration_ms: rotate
          for (let f = await call.next(); f; f = await call.next());
          return call.end();
        }
        await autoAckFlight(call);
      },
      { serverLackOfAckTimeoutMs: 200 },
    );
    await stream.ingestBatch(numberedBatch(0, 5));
    await within(stream.flush(), 5000, "flush after the ack timeout");
    await stream.ingestBatch(numberedBatch(5, 5));
    await within(stream.flush(), 5000, "flush after the rotation");
    await within(server.call(2), 5000, "third connection after the rotation");
    assert.ok(stream.metrics().recoveries >= 1);
    await stream.close();
  });

  it("waits while maxInflightBytes bytes await acknowledgment", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { stream } = await open(
      async (call) => {
        const [frame] = await readyAndCollect(call, 1);
        await gate;
        call.ackFrame(frame!);
        for (let next = await call.next(); next; next = await call.next()) call.ackFrame(next);
        call.end();
      },
      { maxInflightBytes: 1024 },
    );
    await stream.ingestBatch(numberedBatch(0, 100));
    let admitted = false;
    const second = stream.ingestBatch(numberedBatch(100, 100)).then(() => (admitted = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(admitted, false, "the second batch waits for the first one's ack");
    release();
    await within(second, 5000, "the second batch admitted after the ack");
  });

  it("refuses at creation a schema the server rejects (INVALID_ARGUMENT), without retrying", async () => {
    const server = await startScriptedFlightServer(async (call) => {
      await call.next();
      call.end(grpc.status.INVALID_ARGUMENT, "Arrow Flight schema validation failed: FIELD_NOT_IN_TABLE");
    });
    servers.push(server);
    const sdk = new ZerobusSdk(server.endpoint, "");
    const opening = sdk.createArrowStream({ tableName: TABLE, schemaFields: NUMBERED_FIELDS }, "", "", FAST, staticHeaders());
    await assert.rejects(opening, (err: Error) => err instanceof NonRetriableException && /INVALID_ARGUMENT.*FIELD_NOT_IN_TABLE/.test(err.message));
    assert.equal(server.calls.length, 1);
  });

  it("fails the stream (not the process) when a queued batch's memory is detached before it is sent: IPC bytes, then RecordBatch columns", async () => {
    for (const input of ["ipc", "columns"] as const) {
      const { server, stream } = await open(autoAckFlight);
      const batch = numberedBatch(0, 100);
      const ipc = ipcBytes(batch);
      const pending = stream.ingestBatch(input === "ipc" ? ipc : batch);
      // Transferring an ArrayBuffer detaches it; the frame is sent on a later microtask, after this.
      const memory = input === "ipc" ? ipc.buffer : (batch.data.children[0]!.values as BigInt64Array).buffer;
      structuredClone(memory, { transfer: [memory as ArrayBuffer] });
      assert.equal(await pending, 0n);
      await assert.rejects(within(stream.flush(), 5000, `flush (${input})`), (err: Error) => err instanceof NonRetriableException && /detached \(transferred\) or resized/.test(err.message));
      assert.equal(stream.getState(), StreamState.FAILED);
      assert.equal(server.calls.length, 1, "no reconnect for a batch that can never be sent");
      assert.equal(server.calls[0]!.received.length, 1, "only the schema frame went out");
    }
  });

  it("ends the stream on an ack for more rows than were sent, keeping the unacknowledged rows for recreateArrowStream", async () => {
    const { server, stream } = await open(async (call, index) => {
      if (index > 0) return autoAckFlight(call);
      await readyAndCollect(call, 1);
      call.ack(0, 1_000_000);
    });
    await stream.ingestBatch(numberedBatch(0, 7));
    await assert.rejects(within(stream.flush(), 5000, "flush"), (err: Error) => err instanceof NonRetriableException && /acknowledged 1000000 rows/.test(err.message));
    assert.equal(stream.getState(), StreamState.FAILED);
    const [unacked] = await stream.getUnackedBatches();
    const table = arrow.tableFromIPC(unacked!);
    assert.equal(table.numRows, 7);
    assert.deepEqual(Array.from(table.getChild("id")!.toArray() as BigInt64Array, Number), [0, 1, 2, 3, 4, 5, 6]);

    const sdk = new ZerobusSdk(server.endpoint, "");
    const fresh = await sdk.recreateArrowStream(stream);
    await within(fresh.close(), 5000, "close of the recreated stream");
    const resent = server.calls[1]!.received.slice(1);
    assert.deepEqual(resent.map((f) => f.rows), [7]);
    assert.equal(fresh.metrics().recordsAcked, 7);
  });
});
