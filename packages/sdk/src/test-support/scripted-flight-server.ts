/**
 * A real grpc-js server on 127.0.0.1:0 serving Flight `DoPut`, each call scripted by the test (the Flight
 * counterpart of `scripted-server.ts`): read the frames the client sent (decoded: kind, rows, offset_id),
 * send the ready signal and row acks, or end the call with any status.
 */
import * as grpc from "@grpc/grpc-js";
import { DO_PUT_METHOD } from "../arrow/flight-protocol.js";
import { MessageKind, recordBatchLayout } from "../arrow/ipc-messages.js";
import { rootTable, readUint8 } from "../arrow/flatbuffer-reader.js";
import { readVarint } from "../wire/varint.js";

/** One FlightData frame as the test sees it. */
export interface ReceivedFrame {
  /** `MessageKind` of the data_header. */
  readonly kind: number;
  readonly header: Buffer;
  readonly body: Buffer;
  /** `offset_id` of the app_metadata, or `undefined` when there was none. */
  readonly offsetId: number | undefined;
  /** Rows of a RecordBatch frame (0 otherwise). */
  readonly rows: number;
  /** Body compression codec of a RecordBatch frame, `undefined` when not compressed. */
  readonly codec: number | undefined;
  /** Whether field 1 (FlightDescriptor) was present. */
  readonly hasDescriptor: boolean;
}

/** Decodes a FlightData message. */
export function decodeFlightFrame(bytes: Buffer): ReceivedFrame {
  let pos = 0;
  let header: Buffer = Buffer.alloc(0);
  let body: Buffer = Buffer.alloc(0);
  let metadata: string | undefined;
  let hasDescriptor = false;
  while (pos < bytes.length) {
    const key = readVarint(bytes, pos);
    const length = readVarint(bytes, key.next);
    const value = bytes.subarray(length.next, length.next + Number(length.value));
    pos = length.next + Number(length.value);
    const field = Number(key.value >> 3n);
    if (field === 1) hasDescriptor = true;
    else if (field === 2) header = value;
    else if (field === 3) metadata = value.toString("utf8");
    else if (field === 1000) body = value;
  }
  const kind = readUint8(rootTable(header), 1);
  const layout = kind === MessageKind.RecordBatch ? recordBatchLayout(header) : undefined;
  const offsetId = metadata === undefined ? undefined : (JSON.parse(metadata) as { offset_id: number }).offset_id;
  return { kind, header, body, offsetId, rows: layout?.rows ?? 0, codec: layout?.codec, hasDescriptor };
}

/** One DoPut call. */
export class ScriptedFlightCall {
  readonly metadata: Record<string, string>;
  readonly received: ReceivedFrame[] = [];
  readonly #queue: ReceivedFrame[] = [];
  #wake: (() => void) | undefined;
  #clientEnded = false;
  #finished = false;
  #rowsAcked = 0;
  readonly #call: grpc.ServerDuplexStream<Buffer, Buffer>;
  /** Resolves when the call is over. */
  readonly done: Promise<void>;
  #markDone!: () => void;

  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
    this.#call = call;
    this.metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
    this.done = new Promise((resolve) => (this.#markDone = resolve));
    call.on("data", (bytes: Buffer) => {
      const frame = decodeFlightFrame(bytes);
      this.received.push(frame);
      this.#queue.push(frame);
      this.#wake?.();
    });
    call.on("end", () => {
      this.#clientEnded = true;
      this.#wake?.();
    });
    call.on("cancelled", () => {
      this.#clientEnded = this.#finished = true;
      this.#wake?.();
      this.#markDone();
    });
    call.on("error", () => {});
  }

  /** Whether the client half-closed (or cancelled). */
  get clientEnded(): boolean {
    return this.#clientEnded;
  }

  /** The next frame, or `null` once the client has half-closed or cancelled. */
  async next(): Promise<ReceivedFrame | null> {
    while (this.#queue.length === 0) {
      if (this.#clientEnded) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return this.#queue.shift()!;
  }

  /** Sends a PutResult whose app_metadata is `json`. */
  sendMetadata(json: string): void {
    if (this.#finished) return;
    const metadata = Buffer.from(json);
    this.#call.write(Buffer.concat([Buffer.from([0x0a, metadata.length]), metadata]));
  }

  /** The ready signal. */
  ready(): void {
    this.sendMetadata(`{"ack_up_to_offset":-1,"ack_up_to_records":0}`);
  }

  /** Acknowledges frames up to `offset` holding `records` rows in all (cumulative on this call). */
  ack(offset: number, records: number, closeStreamDurationMs?: number): void {
    const close = closeStreamDurationMs === undefined ? "" : `,"close_stream_duration_ms":${closeStreamDurationMs}`;
    this.#rowsAcked = records;
    this.sendMetadata(`{"ack_up_to_offset":${offset},"ack_up_to_records":${records}${close}}`);
  }

  /** Acknowledges `frame` (a data frame of this call): every row up to and including it. */
  ackFrame(frame: ReceivedFrame): void {
    this.ack(frame.offsetId!, this.#rowsAcked + frame.rows);
  }

  /** Ends the call with `code` (OK by default). */
  end(code: number = grpc.status.OK, details = "", trailers?: grpc.Metadata): void {
    if (this.#finished) return;
    this.#finished = true;
    if (code === grpc.status.OK) this.#call.end();
    else this.#call.emit("error", Object.assign(new Error(details), { code, details, metadata: trailers }));
    this.#markDone();
  }
}

/** A running scripted Flight server. */
export interface ScriptedFlightServer {
  readonly endpoint: string;
  readonly calls: ScriptedFlightCall[];
  /** Resolves with the n-th call (0-based) once it has arrived. */
  call(index: number): Promise<ScriptedFlightCall>;
  close(): Promise<void>;
}

/** Starts a server handing every DoPut call to `script`. */
export async function startScriptedFlightServer(
  script: (call: ScriptedFlightCall, index: number) => void | Promise<void>,
): Promise<ScriptedFlightServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": -1 });
  const calls: ScriptedFlightCall[] = [];
  const arrivals: Array<() => void> = [];
  const identity = (b: Buffer) => b;
  server.addService(
    { DoPut: { path: DO_PUT_METHOD, requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    {
      DoPut: (raw: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        raw.sendMetadata(new grpc.Metadata());
        const call = new ScriptedFlightCall(raw);
        calls.push(call);
        arrivals.splice(0).forEach((wake) => wake());
        Promise.resolve(script(call, calls.length - 1)).catch((err: Error) => call.end(grpc.status.INTERNAL, `script failed: ${err.message}`));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    async call(index) {
      while (calls.length <= index) await new Promise<void>((resolve) => arrivals.push(resolve));
      return calls[index]!;
    },
    close: async () => server.forceShutdown(),
  };
}

/** The usual script: ready after the schema frame, then every data frame acknowledged at once; OK at the half-close. */
export async function autoAckFlight(call: ScriptedFlightCall): Promise<void> {
  const schema = await call.next();
  if (schema?.kind !== MessageKind.Schema) return call.end(grpc.status.INVALID_ARGUMENT, "first frame must be the schema");
  call.ready();
  for (let frame = await call.next(); frame; frame = await call.next()) call.ackFrame(frame);
  call.end();
}
