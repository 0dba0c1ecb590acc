/**
 * The blocking client's worker thread: it runs the async SDK and answers the caller's thread.
 *
 * Records arrive already encoded and with their offsets already decided by the caller (one per entry,
 * consecutively from 0), and go in through the async stream's public `ingestRecordOffset` /
 * `ingestRecordsOffset`, which pass encoded records through untouched (JSON text, protobuf bytes). Every
 * offset the async stream assigns is checked against the caller's; a mismatch fails the stream rather than
 * let acknowledgments be attributed to the wrong records. Progress the caller may be blocked on (acks,
 * failure, replies) is published through shared memory; see `protocol.ts`.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import { NonRetriableException } from "../errors.js";
import { ZerobusSdk } from "../sdk.js";
import { CONTROL, toWireError, type CallEnvelope, type RecordsMessage, type Reply, type ToWorker } from "./protocol.js";
import type { WorkerSdkConfig } from "./worker-channel.js";
import { HostedStream } from "./worker-stream.js";

const control = new Int32Array(workerData.control as SharedArrayBuffer);
const port = workerData.port as MessagePort;
const config = workerData.config as WorkerSdkConfig;

/** Wakes the caller's thread: whatever it waits for may have changed. */
function signal(): void {
  Atomics.add(control, CONTROL.SEQ, 1);
  Atomics.notify(control, CONTROL.SEQ);
}

function die(error: unknown): void {
  try {
    port.postMessage({ dead: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } catch {
    // The port may be gone; the flag below still wakes the caller.
  }
  Atomics.store(control, CONTROL.DEAD, 1);
  signal();
}

process.on("uncaughtException", die);
process.on("unhandledRejection", die);

const sdk = new ZerobusSdk(config.serverEndpoint, config.workspaceUrl, {
  ...config.sdkOptions,
  rootCertificates: config.rootCertificates ? Buffer.from(config.rootCertificates) : undefined,
});
const streams = new Map<number, HostedStream>();

function hosted(handle: number): HostedStream {
  const stream = streams.get(handle);
  if (!stream) throw new NonRetriableException(`Blocking client: unknown stream ${handle}`);
  return stream;
}

async function perform(call: CallEnvelope): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (call.op) {
    case "create": {
      const stream = await HostedStream.open(sdk, call, signal);
      streams.set(call.stream, stream);
      return { value: null };
    }
    case "recreate": {
      const { stream, resent } = await hosted(call.from).recreate(sdk, call.stream, call.cells);
      streams.set(call.stream, stream);
      return { value: resent };
    }
    case "close":
      await hosted(call.stream).close();
      return { value: null };
    case "state":
      return { value: hosted(call.stream).state() };
    case "streamId":
      return { value: hosted(call.stream).streamId() };
    case "unacked": {
      const packed = hosted(call.stream).unacked();
      return { value: packed, transfer: [packed.bytes.buffer, packed.ends.buffer, packed.counts.buffer] as ArrayBuffer[] };
    }
    case "error":
      return { value: await hosted(call.stream).failure() };
    case "shutdown":
      sdk.close();
      return { value: null };
  }
}

function reply(message: Reply, transfer: ArrayBuffer[] = []): void {
  // Acks published before the reply, so the caller sees at least the state the reply reflects.
  for (const stream of streams.values()) stream.publishAcks();
  port.postMessage(message, transfer);
  signal();
}

port.on("message", (message: ToWorker) => {
  if (message.op === "records") {
    const stream = streams.get((message as RecordsMessage).stream);
    if (stream) stream.ingest(message as RecordsMessage);
    return;
  }
  const call = message as CallEnvelope;
  perform(call).then(
    ({ value, transfer }) => reply({ id: call.id, ok: true, value }, transfer),
    (err: unknown) => reply({ id: call.id, ok: false, error: toWireError(err) }),
  );
});
