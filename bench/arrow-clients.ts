/**
 * The Arrow clients the bench drives, behind one small interface: our SDK (fed IPC bytes, as the official
 * is, or an apache-arrow RecordBatch), the official TypeScript SDK 1.3.0's `createArrowStream`, and a raw
 * grpc-js client sending pre-framed FlightData with nothing else on the path (the sink's ceiling).
 */
import * as grpc from "@grpc/grpc-js";
import { createRequire } from "node:module";
import type * as arrow from "apache-arrow";
import { flightData, ipcMessages } from "./arrow-flight-frames.js";
import { AIR_QUALITY_SCHEMA, ipcStreamOf, OFFICIAL_SCHEMA_FIELDS } from "./arrow-records.js";

/** What a scenario needs from a client: send the prepared batch once, wait for every ack, close. */
export interface ArrowBenchClient {
  ingest(): Promise<unknown>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Where to connect and as whom. */
export interface ArrowTarget {
  endpoint: string;
  workspaceUrl: string;
  table: string;
  /** OAuth client credentials (the local service checks them; the bench server does not). */
  clientId: string;
  clientSecret: string;
}

/** Our SDK with its defaults; `input` picks what `ingestBatch` is given. */
export async function createOursArrowClient(target: ArrowTarget, batch: arrow.RecordBatch, input: "ipc" | "batch"): Promise<ArrowBenchClient> {
  // Loaded here, so the other clients' processes never hold our SDK.
  const { ZerobusSdk } = await import("@zerobus-ts/sdk");
  const sdk = new ZerobusSdk(target.endpoint, target.workspaceUrl);
  const stream = await sdk.createArrowStream({ tableName: target.table, schema: AIR_QUALITY_SCHEMA }, target.clientId, target.clientSecret);
  const payload = input === "ipc" ? ipcStreamOf(batch) : batch;
  return {
    ingest: () => stream.ingestBatch(payload),
    flush: () => stream.flush(),
    close: async () => {
      await stream.close();
      sdk.close();
    },
  };
}

/** The official SDK's native binding, OAuth against the bench server's token endpoint. */
export async function createOfficialArrowClient(target: ArrowTarget, batch: arrow.RecordBatch): Promise<ArrowBenchClient> {
  const native = createRequire(import.meta.url)("@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node");
  const sdk = new native.ZerobusSdk(target.endpoint, target.workspaceUrl);
  const stream = await sdk.createArrowStream({ tableName: target.table, schemaFields: OFFICIAL_SCHEMA_FIELDS }, target.clientId, target.clientSecret, {});
  const ipc = ipcStreamOf(batch);
  return {
    ingest: () => stream.ingestBatch(ipc),
    flush: () => stream.flush(),
    close: () => stream.close(),
  };
}

/** The ceiling client: one DoPut call, the schema frame, then the same pre-framed data frame again and again. */
export async function createRawArrowClient(target: ArrowTarget, batch: arrow.RecordBatch): Promise<ArrowBenchClient> {
  const client = new grpc.Client(target.endpoint.replace("http://", ""), grpc.credentials.createInsecure(), {
    "grpc.enable_retries": 0,
    "grpc.per_rpc_retry_buffer_size": 0,
  });
  const metadata = new grpc.Metadata();
  metadata.set("authorization", "Bearer bench");
  metadata.set("x-databricks-zerobus-table-name", target.table);
  const identity = (b: Buffer) => b;
  const call = client.makeBidiStreamRequest("/arrow.flight.protocol.FlightService/DoPut", identity, identity, metadata);
  const [schema, data] = ipcMessages(ipcStreamOf(batch));
  // The sink acks by frame count, not by offset_id, so one frame with a stale offset_id can be re-sent.
  const frame = flightData(data!, '{"offset_id":0}');
  let acked = -1;
  let next = 0;
  const waiters: Array<[number, () => void]> = [];
  call.on("data", (b: Buffer) => {
    const match = /"ack_up_to_offset":(-?\d+)/.exec(b.toString("latin1"));
    if (match === null) return;
    acked = Number(match[1]);
    while (waiters.length > 0 && waiters[0]![0] <= acked) waiters.shift()![1]();
  });
  call.on("error", () => {});
  await new Promise<void>((resolve) => {
    call.once("data", () => resolve());
    call.write(flightData(schema!));
  });
  return {
    ingest: async () => {
      next++;
      if (!call.write(frame)) await new Promise((resolve) => call.once("drain", resolve));
    },
    flush: () => new Promise<void>((resolve) => (acked >= next - 1 ? resolve() : waiters.push([next - 1, resolve]))),
    close: async () => {
      call.end();
      client.close();
    },
  };
}

/** The client a scenario names. */
export function createArrowClient(scenario: ArrowTarget & { client: "ours-ipc" | "ours-batch" | "official" | "raw" }, batch: arrow.RecordBatch): Promise<ArrowBenchClient> {
  switch (scenario.client) {
    case "ours-ipc":
      return createOursArrowClient(scenario, batch, "ipc");
    case "ours-batch":
      return createOursArrowClient(scenario, batch, "batch");
    case "official":
      return createOfficialArrowClient(scenario, batch);
    case "raw":
      return createRawArrowClient(scenario, batch);
  }
}
