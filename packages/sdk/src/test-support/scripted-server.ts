/**
 * A real grpc-js server on 127.0.0.1:0 serving `EphemeralStream`, whose behaviour each test scripts. Every
 * call is exposed as a {@link ScriptedCall}: read what the client sent, answer (create response, acks,
 * close signals), or end it with any status. `close()` fails the test's teardown if a call is left open.
 */
import * as grpc from "@grpc/grpc-js";
import { decodeRequest, encodeResponse, requestRecords, type DecodedRequest } from "./wire-schema.js";

/** One client call, as the test sees it. */
export class ScriptedCall {
  readonly metadata: Record<string, string>;
  readonly received: DecodedRequest[] = [];
  #queue: DecodedRequest[] = [];
  #wake: (() => void) | undefined;
  #clientEnded = false;
  #finished = false;
  readonly #call: grpc.ServerDuplexStream<Buffer, Buffer>;
  /** Resolves when the call is over (finished by the server, or cancelled by the client). */
  readonly done: Promise<void>;
  #markDone!: () => void;

  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
    this.#call = call;
    this.metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
    this.done = new Promise((resolve) => (this.#markDone = resolve));
    call.on("data", (bytes: Buffer) => {
      const request = decodeRequest(bytes);
      this.received.push(request);
      this.#queue.push(request);
      this.#wake?.();
    });
    call.on("end", () => {
      this.#clientEnded = true;
      this.#wake?.();
    });
    call.on("cancelled", () => {
      this.#clientEnded = true;
      this.#finished = true;
      this.#wake?.();
      this.#markDone();
    });
    call.on("error", () => {});
  }

  /** The next request, or `null` once the client has half-closed or cancelled. */
  async next(): Promise<DecodedRequest | null> {
    while (this.#queue.length === 0) {
      if (this.#clientEnded) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return this.#queue.shift()!;
  }

  /** Waits for the next ingest request and returns its offset and records. */
  async nextIngest(): Promise<{ offset: bigint; records: Buffer[] } | null> {
    const request = await this.next();
    return request ? requestRecords(request) : null;
  }

  /** Whether the client cancelled or the server finished the call. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Sends a raw response object (protobufjs plain form). */
  send(response: Record<string, unknown>): void {
    if (!this.#finished) this.#call.write(encodeResponse(response));
  }

  /** Answers the create request. */
  sendCreateResponse(streamId = "stream-1"): void {
    this.send({ createStreamResponse: { streamId } });
  }

  /** Acknowledges every request up to physical offset `offset`. */
  ack(offset: number | bigint): void {
    this.send({ ingestRecordResponse: { durabilityAckUpToOffset: String(offset) } });
  }

  /** Announces the server will close the stream after `ms`. */
  closeSignal(ms: number): void {
    this.send({ closeStreamSignal: { duration: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } } });
  }

  /** Ends the call with OK. */
  finish(): void {
    this.end(grpc.status.OK, "");
  }

  /** Ends the call with `code` and `details`, and `trailers` (e.g. `grpc-status-details-bin`) if given. */
  end(code: number, details: string, trailers?: Record<string, string | Buffer>): void {
    if (this.#finished) return;
    this.#finished = true;
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(trailers ?? {})) metadata.set(name, value);
    if (code === grpc.status.OK) this.#call.end();
    else this.#call.emit("error", Object.assign(new Error(details), { code, details, metadata }));
    this.#markDone();
  }
}

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly calls: ScriptedCall[];
  /** Resolves with the n-th call (0-based) once it has arrived. */
  call(index: number): Promise<ScriptedCall>;
  /** Stops the server, cancelling open calls. */
  close(): Promise<void>;
}

/**
 * Starts a server whose every `EphemeralStream` call is handed to `script`, with its 0-based index. Initial metadata is sent at
 * once, as the real service does (clients wait for it).
 */
export async function startScriptedServer(script: (call: ScriptedCall, index: number) => void | Promise<void>): Promise<ScriptedServer> {
  const server = new grpc.Server();
  const calls: ScriptedCall[] = [];
  const arrivals: Array<() => void> = [];
  const identity = (b: Buffer) => b;
  const definition: grpc.ServiceDefinition = {
    EphemeralStream: {
      path: "/databricks.zerobus.Zerobus/EphemeralStream",
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  server.addService(definition, {
    EphemeralStream: (raw: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      raw.sendMetadata(new grpc.Metadata());
      const call = new ScriptedCall(raw);
      calls.push(call);
      arrivals.splice(0).forEach((wake) => wake());
      Promise.resolve(script(call, calls.length - 1)).catch((err: Error) => call.end(grpc.status.INTERNAL, `script failed: ${err.message}`));
    },
  });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

/**
 * The usual script: answer create, then acknowledge every ingest request at once, until the client
 * half-closes; then finish with OK.
 */
export async function autoAck(call: ScriptedCall, streamId = `stream-${Math.random().toString(16).slice(2)}`): Promise<void> {
  const create = await call.next();
  if (!create?.createStream) return call.end(grpc.status.INVALID_ARGUMENT, "first message must be CreateStream");
  call.sendCreateResponse(streamId);
  for (;;) {
    const ingest = await call.nextIngest();
    if (!ingest) break;
    call.ack(ingest.offset);
  }
  call.finish();
}
