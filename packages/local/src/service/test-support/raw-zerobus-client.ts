/**
 * A bare grpc-js client for the service's own tests: it sends EphemeralStream requests as plain objects
 * (or raw bytes) and exposes responses and the final status, without any SDK logic in between.
 */
import type { Client, ClientDuplexStream, StatusObject } from "@grpc/grpc-js";
import { EPHEMERAL_STREAM_PATH, RequestType, ResponseType } from "../wire-types.js";
import { rawCallMetadata, rawGrpcClient, readResponses, type RawCallHeaders } from "./raw-call.js";

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
export type RawStreamOptions = RawCallHeaders;

/** Opens EphemeralStream calls against one endpoint. */
export class RawZerobusClient {
  private readonly client: Client;

  /** `rootCert` (PEM) is trusted for `https://` endpoints. */
  constructor(serverEndpoint: string, rootCert?: Buffer) {
    this.client = rawGrpcClient(serverEndpoint, rootCert);
  }

  /** Opens a call with the given headers. */
  open(options: RawStreamOptions = {}): RawStream {
    const call: ClientDuplexStream<object | Buffer, RawResponse> = this.client.makeBidiStreamRequest(
      EPHEMERAL_STREAM_PATH,
      (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(RequestType.encode(RequestType.fromObject(value)).finish())),
      (buffer: Buffer) => ResponseType.toObject(ResponseType.decode(buffer), { longs: String }) as RawResponse,
      rawCallMetadata(options),
    );
    const { next, status } = readResponses(call);
    const headers = new Promise<void>((resolve) => call.once("metadata", () => resolve()));
    return {
      send: (request) => void call.write(request),
      next,
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

/** Rejects if `promise` does not settle within `ms` (tests never sleep; they bound their waits). */
export function within<T>(ms: number, promise: Promise<T>, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
