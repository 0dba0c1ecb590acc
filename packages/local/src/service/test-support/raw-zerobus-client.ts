/**
 * A bare grpc-js client for the service's own tests: it sends EphemeralStream requests as plain objects
 * (or raw bytes) and exposes responses and the final status, without any SDK logic in between.
 */
import { Client, credentials, Metadata, type ClientDuplexStream, type StatusObject } from "@grpc/grpc-js";
import { EPHEMERAL_STREAM_PATH, RequestType, ResponseType } from "../wire-types.js";

/** A decoded response, with int64 fields as strings. */
export type RawResponse = Record<string, Record<string, unknown>>;

/** One open EphemeralStream call. */
export interface RawStream {
  /** Sends a request object (wire schema field names) or pre-encoded bytes. */
  send(request: object | Buffer): void;
  /** The next response; rejects with the status if the call ends first. */
  next(): Promise<RawResponse>;
  /** Resolves with the call's final status. */
  status: Promise<StatusObject>;
  /** Resolves when the server's response headers arrive (the call was admitted). */
  metadata: Promise<void>;
  /** Half-closes the request side. */
  end(): void;
  /** Cancels the call. */
  cancel(): void;
}

/** Headers of a raw stream: a bearer token and the table header, each optional. */
export interface RawStreamOptions {
  token?: string;
  table?: string;
}

/** Opens EphemeralStream calls against one endpoint. */
export class RawZerobusClient {
  private readonly client: Client;

  /** `rootCert` (PEM) is trusted for `https://` endpoints. */
  constructor(serverEndpoint: string, rootCert?: Buffer) {
    const target = serverEndpoint.replace(/^https?:\/\//, "");
    const channel = serverEndpoint.startsWith("https://") ? credentials.createSsl(rootCert ?? null) : credentials.createInsecure();
    this.client = new Client(target, channel, {
      "grpc.max_send_message_length": -1,
      "grpc.max_receive_message_length": -1,
    });
  }

  /** Opens a call with the given headers. */
  open(options: RawStreamOptions = {}): RawStream {
    const metadata = new Metadata();
    if (options.token !== undefined) metadata.set("authorization", `Bearer ${options.token}`);
    if (options.table !== undefined) metadata.set("x-databricks-zerobus-table-name", options.table);
    const call: ClientDuplexStream<object | Buffer, RawResponse> = this.client.makeBidiStreamRequest(
      EPHEMERAL_STREAM_PATH,
      (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(RequestType.encode(RequestType.fromObject(value)).finish())),
      (buffer: Buffer) => ResponseType.toObject(ResponseType.decode(buffer), { longs: String }) as RawResponse,
      metadata,
    );
    const queue: RawResponse[] = [];
    const waiters: Array<{ resolve: (r: RawResponse) => void; reject: (e: Error) => void }> = [];
    let ended: StatusObject | undefined;
    const status = new Promise<StatusObject>((resolve) => {
      call.on("status", (s: StatusObject) => {
        ended = s;
        for (const w of waiters.splice(0)) w.reject(statusError(s));
        resolve(s);
      });
    });
    call.on("error", () => {}); // the status event carries the outcome
    const headers = new Promise<void>((resolve) => call.once("metadata", () => resolve()));
    call.on("data", (response: RawResponse) => {
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter.resolve(response);
      else queue.push(response);
    });
    return {
      send: (request) => void call.write(request),
      next: () => {
        const ready = queue.shift();
        if (ready !== undefined) return Promise.resolve(ready);
        if (ended !== undefined) return Promise.reject(statusError(ended));
        return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
      },
      status,
      metadata: headers,
      end: () => call.end(),
      cancel: () => call.cancel(),
    };
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}

function statusError(s: StatusObject): Error {
  return Object.assign(new Error(`call ended with status ${s.code}: ${s.details}`), { code: s.code, details: s.details });
}

/** Rejects if `promise` does not settle within `ms` (tests never sleep; they bound their waits). */
export function within<T>(ms: number, promise: Promise<T>, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
