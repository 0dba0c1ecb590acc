/**
 * The plumbing the bare test clients share (`raw-zerobus-client.ts` for EphemeralStream,
 * `flight/test-support/raw-flight-client.ts` for DoPut): the channel, the call's headers, and the
 * responses read one at a time until the final status.
 */
import { Client, credentials, Metadata, type ClientDuplexStream, type StatusObject } from "@grpc/grpc-js";

/** Headers of a raw call: a bearer token and the table header, each optional. */
export interface RawCallHeaders {
  token?: string;
  table?: string;
}

/** A grpc-js client for `serverEndpoint` with no message size limits; `rootCert` (PEM) is trusted for `https://`. */
export function rawGrpcClient(serverEndpoint: string, rootCert?: Buffer): Client {
  const target = serverEndpoint.replace(/^https?:\/\//, "");
  const channel = serverEndpoint.startsWith("https://") ? credentials.createSsl(rootCert ?? null) : credentials.createInsecure();
  return new Client(target, channel, {
    "grpc.max_send_message_length": -1,
    "grpc.max_receive_message_length": -1,
  });
}

/** The metadata carrying `headers`. */
export function rawCallMetadata(headers: RawCallHeaders): Metadata {
  const metadata = new Metadata();
  if (headers.token !== undefined) metadata.set("authorization", `Bearer ${headers.token}`);
  if (headers.table !== undefined) metadata.set("x-databricks-zerobus-table-name", headers.table);
  return metadata;
}

/** A call's responses, one at a time, and its final status. */
export interface RawResponses<Response> {
  /** The next response; rejects with the status if the call ends first. */
  next(): Promise<Response>;
  /** Resolves with the call's final status (its `metadata` holds the trailers). */
  status: Promise<StatusObject>;
}

/** Queues `call`'s responses for `next()` and watches for its status. */
export function readResponses<Request, Response>(call: ClientDuplexStream<Request, Response>): RawResponses<Response> {
  const queue: Response[] = [];
  const waiters: Array<{ resolve: (r: Response) => void; reject: (e: Error) => void }> = [];
  let ended: StatusObject | undefined;
  const status = new Promise<StatusObject>((resolve) => {
    call.on("status", (s: StatusObject) => {
      ended = s;
      for (const w of waiters.splice(0)) w.reject(statusError(s));
      resolve(s);
    });
  });
  call.on("error", () => {}); // the status event carries the outcome
  call.on("data", (response: Response) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter.resolve(response);
    else queue.push(response);
  });
  return {
    next: () => {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      if (ended !== undefined) return Promise.reject(statusError(ended));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    status,
  };
}

function statusError(s: StatusObject): Error {
  return Object.assign(new Error(`call ended with status ${s.code}: ${s.details}`), { code: s.code, details: s.details });
}
