/**
 * The clients the bench drives, behind one small interface: our SDK, and a raw grpc-js client that
 * sends pre-encoded requests with nothing else on the path (it measures what the bench server can take).
 */
import * as grpc from "@grpc/grpc-js";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { AirQuality, TABLE } from "./records.js";

/** What a scenario needs from a client. `*Timed` calls `done` when the record (or batch) is acknowledged. */
export interface BenchClient {
  ingestOne(record: Buffer | string): Promise<unknown>;
  ingestBatch(records: Array<Buffer | string>): Promise<unknown>;
  ingestOneTimed(record: Buffer | string, done: () => void): void;
  ingestBatchTimed(records: Array<Buffer | string>, done: () => void): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const headers = () => [
  ["authorization", "Bearer bench"],
  ["x-databricks-zerobus-table-name", TABLE],
] as Array<[string, string]>;

/** Our SDK with its defaults. */
export async function createOursClient(endpoint: string, format: "proto" | "json"): Promise<BenchClient> {
  const sdk = new ZerobusSdk(endpoint, "");
  const table = format === "proto" ? new TableProperties(TABLE, AirQuality) : new TableProperties(TABLE);
  const stream = await sdk.createStream(table, "", "", { recordType: format === "proto" ? RecordType.PROTO : RecordType.JSON }, headers);
  return {
    ingestOne: (r) => stream.ingestRecordOffset(r),
    ingestBatch: (rs) => stream.ingestRecordsOffset(rs),
    ingestOneTimed: (r, done) => void stream.ingestRecord(r).then((ack) => ack.addDoneCallback(done)),
    ingestBatchTimed: (rs, done) => void stream.ingestRecords(rs).then((ack) => ack?.addDoneCallback(done)),
    flush: () => stream.flush(),
    close: async () => {
      await stream.close();
      sdk.close();
    },
  };
}

/** Encodes envelopes by hand: same layout as the SDK's encoder, kept separate so the ceiling is independent. */
function envelope(offset: number, format: "proto" | "json", records: Array<Buffer | string>): Buffer {
  const bodies = records.map((r) => (typeof r === "string" ? Buffer.from(r) : r));
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    return Buffer.from(out);
  };
  const field = (no: number, body: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(body.length), body]);
  const offsetField = Buffer.concat([Buffer.from([0x08]), varint(offset)]);
  const payloadField = format === "proto" ? 2 : 3;
  if (bodies.length === 1) return field(2, Buffer.concat([offsetField, field(payloadField, bodies[0]!)]));
  const list = Buffer.concat(bodies.map((b) => field(1, b)));
  return field(3, Buffer.concat([offsetField, field(payloadField, list)]));
}

/** The ceiling client: one grpc-js call, pre-encoded envelopes, write/drain backpressure only. */
export async function createRawClient(endpoint: string, format: "proto" | "json"): Promise<BenchClient> {
  const client = new grpc.Client(endpoint.replace("http://", ""), grpc.credentials.createInsecure(), {
    "grpc.enable_retries": 0,
    "grpc.per_rpc_retry_buffer_size": 0,
  });
  const identity = (b: Buffer) => b;
  const call = client.makeBidiStreamRequest("/databricks.zerobus.Zerobus/EphemeralStream", identity, identity, new grpc.Metadata());
  let acked = -1;
  let next = 0;
  const waiters: Array<[number, () => void]> = [];
  call.on("data", (b: Buffer) => {
    if (b[0] !== 0x12) return;
    let v = 0;
    let scale = 1;
    for (let i = 3; i < b.length; i++) {
      v += (b[i]! & 0x7f) * scale;
      if (b[i]! < 0x80) break;
      scale *= 128;
    }
    acked = v;
    while (waiters.length && waiters[0]![0] <= acked) waiters.shift()![1]();
  });
  call.on("error", () => {});
  await new Promise<void>((resolve) => {
    call.once("data", () => resolve());
    call.write(Buffer.concat([Buffer.from([0x0a]), Buffer.from([TABLE.length + 4, 0x0a, TABLE.length]), Buffer.from(TABLE), Buffer.from([0x20, format === "proto" ? 1 : 2])]));
  });
  const cache = new Map<unknown, Buffer>();
  const send = async (records: Array<Buffer | string>, key: unknown = records) => {
    // Envelopes are encoded once and re-sent: the bench server acks by request count, not by offset, so a
    // cached envelope's stale offset does not matter, and the ceiling measures the server, not encoding.
    let buf = cache.get(key);
    if (!buf) cache.set(key, (buf = envelope(next, format, records)));
    next++;
    if (!call.write(buf)) await new Promise((resolve) => call.once("drain", resolve));
  };
  const waitAll = () => new Promise<void>((resolve) => (acked >= next - 1 ? resolve() : waiters.push([next - 1, resolve])));
  return {
    ingestOne: (r) => send([r], r),
    ingestBatch: (rs) => send(rs),
    ingestOneTimed: (r, done) => void send([r], r).then(() => waiters.push([next - 1, done])),
    ingestBatchTimed: (rs, done) => void send(rs).then(() => waiters.push([next - 1, done])),
    flush: waitAll,
    close: async () => {
      call.end();
      client.close();
    },
  };
}
