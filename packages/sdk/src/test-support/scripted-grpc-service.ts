/**
 * What the scripted test servers share, whichever method they serve (`EphemeralStream` in
 * `scripted-server.ts`, Flight `DoPut` in `scripted-flight-server.ts`): a real grpc-js server on
 * 127.0.0.1:0 whose every call is handed to the test's script, and the bookkeeping of one call (the
 * messages the client sent, read in order; the call's end, once).
 */
import * as grpc from "@grpc/grpc-js";

/** One client call, as the test sees it; `Message` is a decoded client message. */
export class ScriptedDuplexCall<Message> {
  readonly metadata: Record<string, string>;
  readonly received: Message[] = [];
  readonly #queue: Message[] = [];
  #wake: (() => void) | undefined;
  #clientEnded = false;
  #finished = false;
  readonly #call: grpc.ServerDuplexStream<Buffer, Buffer>;
  /** Resolves when the call is over (finished by the server, or cancelled by the client). */
  readonly done: Promise<void>;
  #markDone!: () => void;

  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>, decode: (bytes: Buffer) => Message) {
    this.#call = call;
    this.metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
    this.done = new Promise((resolve) => (this.#markDone = resolve));
    call.on("data", (bytes: Buffer) => {
      const message = decode(bytes);
      this.received.push(message);
      this.#queue.push(message);
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

  /** The next message, or `null` once the client has half-closed or cancelled. */
  async next(): Promise<Message | null> {
    while (this.#queue.length === 0) {
      if (this.#clientEnded) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return this.#queue.shift()!;
  }

  /** Whether the client half-closed (or cancelled). */
  get clientEnded(): boolean {
    return this.#clientEnded;
  }

  /** Whether the client cancelled or the server finished the call. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Writes an encoded response, unless the call is over. */
  protected write(bytes: Buffer): void {
    if (!this.#finished) this.#call.write(bytes);
  }

  /** Ends the call with `code` (OK ends it cleanly), `details` and `trailers` (no-op once over). */
  protected finishWith(code: number, details: string, trailers: grpc.Metadata | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    if (code === grpc.status.OK) this.#call.end();
    else this.#call.emit("error", Object.assign(new Error(details), { code, details, metadata: trailers }));
    this.#markDone();
  }
}

/** A running scripted server. */
export interface ScriptedService<Call> {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly calls: Call[];
  /** Resolves with the n-th call (0-based) once it has arrived. */
  call(index: number): Promise<Call>;
  /** Stops the server, cancelling open calls. */
  close(): Promise<void>;
}

/** The one bidirectional-streaming method a scripted server serves. */
export interface ScriptedMethod<Call> {
  /** The handler's name, e.g. `DoPut`. */
  name: string;
  /** The full gRPC path, e.g. `/arrow.flight.protocol.FlightService/DoPut`. */
  path: string;
  /** Wraps a raw call for the script. */
  wrap(raw: grpc.ServerDuplexStream<Buffer, Buffer>): Call;
}

/** What the server needs of a wrapped call: a way to end it when its script throws. */
interface EndableCall {
  end(code: number, details: string): void;
}

/**
 * Starts a server whose every call of `method` is handed to `script`, with its 0-based index. Initial
 * metadata is sent at once, as the real services do (clients wait for it).
 */
export async function startScriptedService<Call extends EndableCall>(
  method: ScriptedMethod<Call>,
  script: (call: Call, index: number) => void | Promise<void>,
  options?: grpc.ServerOptions,
): Promise<ScriptedService<Call>> {
  const server = new grpc.Server(options);
  const calls: Call[] = [];
  const arrivals: Array<() => void> = [];
  const identity = (b: Buffer) => b;
  const definition: grpc.ServiceDefinition = {
    [method.name]: {
      path: method.path,
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  server.addService(definition, {
    [method.name]: (raw: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      raw.sendMetadata(new grpc.Metadata());
      const call = method.wrap(raw);
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
    close: async () => server.forceShutdown(),
  };
}
