/**
 * The "many huge batches at once" load of issue 13, shared by its e2e test and `npm run torture`: N
 * concurrent EphemeralStream calls, each on its own connection, each sending one pre-encoded
 * `ingest_record_batch` of millions of tiny PROTO records (one INT column), while `/health` is polled
 * and the service's peak RSS is read from `/proc`. Requests are raw bytes (encoded once, shared by every
 * call), so the client side costs little memory and no SDK behaviour is involved.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { Client, credentials, Metadata, type ClientDuplexStream, type ServiceError } from "@grpc/grpc-js";
import protobuf from "protobufjs";

const PATH = "/databricks.zerobus.Zerobus/EphemeralStream";
const TABLE_HEADER = "x-databricks-zerobus-table-name";

/** The table columns the load writes. */
export const TINY_RECORD_COLUMNS = "id INT";

/**
 * One `EphemeralStreamRequest{ingest_record_batch}` at `offset` holding `records` records of 2 bytes
 * (`id` = i % 100): 4 bytes per record on the wire, so 2,500,000 records make a 10 MB message.
 */
export function encodeTinyBatchRequest(records: number, offset = 0): Buffer {
  const body = Buffer.allocUnsafe(records * 4);
  for (let i = 0; i < records; i++) {
    body[i * 4] = 0x0a; // ProtoEncodedRecordBatch.records, length-delimited
    body[i * 4 + 1] = 2;
    body[i * 4 + 2] = 0x08; // field 1 (id), varint
    body[i * 4 + 3] = i % 100;
  }
  const batch = protobuf.Writer.create().uint32(0x08).int64(offset).uint32(0x12).uint32(body.length).finish();
  const batchLength = batch.length + body.length;
  const head = protobuf.Writer.create().uint32(0x1a).uint32(batchLength).finish();
  return Buffer.concat([head, batch, body]);
}

/** A serialized optional `FieldDescriptorProto` (type 3 = int64, 5 = int32). */
export function fieldDescriptor(name: string, number: number, type: number): Uint8Array {
  return protobuf.Writer.create().uint32(0x0a).string(name).uint32(0x18).int32(number).uint32(0x20).int32(1).uint32(0x28).int32(type).finish();
}

/**
 * `EphemeralStreamRequest{create_stream}` for a PROTO stream; the default descriptor has one int32
 * field `id`.
 */
export function encodeCreateStream(table: string, descriptor: Uint8Array = tinyDescriptor()): Buffer {
  const create = protobuf.Writer.create().uint32(0x0a).string(table).uint32(0x1a).bytes(descriptor).uint32(0x20).int32(1).finish();
  return Buffer.from(protobuf.Writer.create().uint32(0x0a).bytes(create).finish());
}

function tinyDescriptor(): Uint8Array {
  return protobuf.Writer.create().uint32(0x0a).string("TinyRecord").uint32(0x12).bytes(fieldDescriptor("id", 1, 5)).finish();
}

/** Opens one raw call with `create` (see {@link encodeCreateStream}) and resolves with its status. */
export function rawCreateStreamStatus(grpcTarget: string, headers: Record<string, string>, create: Buffer): Promise<{ code: number; details: string }> {
  const client = new Client(grpcTarget, credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  const identity = (b: Buffer) => b;
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(PATH, identity, identity, metadata);
  return new Promise((resolve) => {
    call.on("data", () => call.end());
    call.on("error", () => {});
    call.on("status", (status) => {
      client.close();
      resolve({ code: status.code, details: status.details });
    });
    call.write(create);
  });
}

/**
 * Opens one raw call, sends `create` and then `requests` (each written once the stream was created),
 * half-closes, and resolves with the status and the highest acknowledged offset (-1 for none).
 */
export function rawIngestCall(grpcTarget: string, headers: Record<string, string>, create: Buffer, requests: readonly Buffer[]): Promise<{ code: number; details: string; ackedUpTo: bigint }> {
  const client = new Client(grpcTarget, credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1, "grpc.max_send_message_length": -1 });
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  const identity = (b: Buffer) => b;
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(PATH, identity, identity, metadata);
  let ackedUpTo = -1n;
  return new Promise((resolve) => {
    call.on("data", (response: Buffer) => {
      if (response[0] === 0x0a) {
        for (const request of requests) call.write(request);
        call.end();
      } else if (response[0] === 0x12) {
        const ack = protobuf.Reader.create(response.subarray(2));
        ack.uint32(); // tag of durability_ack_up_to_offset
        ackedUpTo = BigInt(ack.int64().toString());
      }
    });
    call.on("error", () => {});
    call.on("status", (status) => {
      client.close();
      resolve({ code: status.code, details: status.details, ackedUpTo });
    });
    call.write(create);
  });
}

/** How one call ended. */
export interface BigBatchCallOutcome {
  /** gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** Whether the batch was acknowledged. */
  acked: boolean;
  /** From the start of the load to the status. */
  ms: number;
}

/** What the load observed. */
export interface BigBatchLoadResult {
  calls: BigBatchCallOutcome[];
  /** Peak resident memory of the service process (VmHWM), in MB; `undefined` without /proc. */
  peakRssMb: number | undefined;
  /** Slowest `/health` answer during the load (a failed or timed-out probe counts as `healthTimeoutMs`). */
  maxHealthMs: number;
  healthProbes: number;
  healthFailures: number;
  /** Wall time of the whole load. */
  ms: number;
}

/** Inputs of {@link runBigBatchLoad}. */
export interface BigBatchLoadOptions {
  /** `host:port` of the gRPC port. */
  grpcTarget: string;
  /** `http://host:port` of the HTTP port (for `/health`). */
  workspaceUrl: string;
  table: string;
  calls: number;
  /** The encoded batch request every call sends (see {@link encodeTinyBatchRequest}). */
  batch: Buffer;
  /** The service's pid, for its peak RSS. */
  pid: number | undefined;
  /** Every call gets its status within this (it is then cancelled and reported as DEADLINE_EXCEEDED). */
  callDeadlineMs: number;
  healthTimeoutMs?: number;
}

/** Runs the load and reports what every call ended with. */
export async function runBigBatchLoad(options: BigBatchLoadOptions): Promise<BigBatchLoadResult> {
  const started = performance.now();
  const health = pollHealth(options.workspaceUrl, options.healthTimeoutMs ?? 5000);
  try {
    const calls = await Promise.all(Array.from({ length: options.calls }, () => oneCall(options, started)));
    const probes = await health.stop();
    return { calls, peakRssMb: await peakRssMb(options.pid), ...probes, ms: performance.now() - started };
  } finally {
    await health.stop();
  }
}

function oneCall(options: BigBatchLoadOptions, started: number): Promise<BigBatchCallOutcome> {
  // Own subchannel per call: one HTTP/2 connection each, as separate clients would have.
  const client = new Client(options.grpcTarget, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
    "grpc.max_send_message_length": -1,
    "grpc.max_receive_message_length": -1,
  });
  const metadata = new Metadata();
  metadata.set(TABLE_HEADER, options.table);
  const identity = (b: Buffer) => b;
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(PATH, identity, identity, metadata, {
    deadline: Date.now() + options.callDeadlineMs,
  });
  let acked = false;
  let created = false;
  return new Promise<BigBatchCallOutcome>((resolve) => {
    call.on("data", (response: Buffer) => {
      if (response[0] === 0x12) acked = true; // ingest_record_response
      if (response[0] === 0x0a && !created) {
        created = true;
        call.write(options.batch);
        call.end();
      }
    });
    call.on("error", () => {}); // the status below carries it
    call.on("status", (status) => {
      client.close();
      resolve({ code: status.code, details: status.details, acked, ms: performance.now() - started });
    });
    call.write(encodeCreateStream(options.table));
  }).catch((err: ServiceError) => ({ code: err.code ?? 2, details: err.message, acked, ms: performance.now() - started }));
}

function pollHealth(workspaceUrl: string, timeoutMs: number) {
  let maxHealthMs = 0;
  let healthProbes = 0;
  let healthFailures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const ok = await probe(`${workspaceUrl}/health`, timeoutMs);
      const ms = ok ? performance.now() - t0 : timeoutMs;
      healthProbes++;
      if (!ok) healthFailures++;
      maxHealthMs = Math.max(maxHealthMs, ms);
      if (running) await new Promise((r) => setTimeout(r, 200));
    }
  })();
  let stopped: Promise<{ maxHealthMs: number; healthProbes: number; healthFailures: number }> | undefined;
  return {
    stop() {
      running = false;
      stopped ??= loop.then(() => ({ maxHealthMs, healthProbes, healthFailures }));
      return stopped;
    },
  };
}

function probe(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** VmHWM of `pid` in MB, or `undefined` where /proc is missing. */
export async function peakRssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}
