/**
 * The gRPC transport: the only module that imports `@grpc/grpc-js`. A channel per stream (its own HTTP/2
 * connection, the official default since core 2.9) or one per `ZerobusSdk` shared by its streams. Messages cross this boundary as
 * bytes: requests are encoded by `wire/request-encoder` before `write`, responses decoded here with
 * `wire/response-decoder`, so grpc-js never builds message objects.
 */
import * as grpc from "@grpc/grpc-js";
import { GatheredMessage } from "../wire/gathered-message.js";
import { decodeStreamResponse, type StreamResponse } from "../wire/response-decoder.js";
import { STATUS_DETAILS_TRAILER } from "../wire/status-details.js";
import type { GrpcEndpoint } from "./endpoint.js";
import { resolveProxy } from "./proxy.js";

/** Full method path of the record streams' RPC (PROTOCOL.md §1.1). */
export const EPHEMERAL_STREAM_METHOD = "/databricks.zerobus.Zerobus/EphemeralStream";

/** A bidirectional-streaming RPC: its path and how its response messages are decoded. */
export interface RpcMethod {
  readonly path: string;
  /** Decodes one response message; never throws (a bad message becomes `{ kind: "invalid" }`). */
  readonly decode: (message: Buffer) => StreamResponse;
}

/** The record streams' RPC, `EphemeralStream`. */
export const EPHEMERAL_STREAM_RPC: RpcMethod = { path: EPHEMERAL_STREAM_METHOD, decode: decodeStreamResponse };

/** Channel construction options. */
export interface GrpcChannelOptions {
  endpoint: GrpcEndpoint;
  /** Sent as the grpc-js primary user agent. */
  userAgent: string;
  /** PEM root certificates to trust instead of the system's (e.g. a local service's self-signed cert). */
  rootCertificates?: Buffer | undefined;
  /**
   * Give this channel an HTTP/2 connection of its own. grpc-js shares connections ("subchannels") among all
   * channels with the same target and options through a process-wide pool, so without this two channels
   * would still multiplex over one socket.
   */
  ownConnection?: boolean | undefined;
}

/** How a call ended: the gRPC status code, the server's message and its rich error details. */
export interface CallStatus {
  readonly code: number;
  readonly details: string;
  /**
   * The raw `grpc-status-details-bin` trailer (a serialized `google.rpc.Status`), when the server sent
   * one; `errorFromGrpcStatus` decodes its `ErrorInfo`.
   */
  readonly statusDetails?: Buffer | undefined;
}

/** What the stream engine hears from one call. `closed` fires exactly once, last. */
export interface StreamCallHandlers {
  response(response: StreamResponse): void;
  closed(status: CallStatus): void;
}

/** One open stream call (`EphemeralStream`, or Flight `DoPut` for Arrow streams). */
export interface StreamCall {
  /**
   * Queues an encoded request (one buffer, or pieces grpc-js gathers into its own copy); `false` means the
   * transport holds enough unsent bytes: wait for `onDrain`. `onWritten` is called once the request has
   * been handed to HTTP/2 (grpc-js has its own copy by then), never if the call ended first.
   */
  write(request: Buffer | GatheredMessage, onWritten?: () => void): boolean;
  /** Calls `callback` once when the transport can take more requests. */
  onDrain(callback: () => void): void;
  /** Half-closes: no more requests; responses keep arriving until the server ends the call. */
  end(): void;
  /** Abandons the call; `closed` fires with CANCELLED. */
  cancel(): void;
}

const identity = (buf: Buffer): Buffer => buf;

/**
 * Whether grpc-js frames a {@link GatheredMessage} by calling its `copy` (true for every grpc-js release
 * this SDK was tested with). Cleared for the process the first time a call fails having been given a
 * gathered message that grpc-js had not copied an event-loop turn later (its framing runs in the write's own
 * microtasks): from then on gathered messages are joined into buffers first.
 */
let grpcGathersMessages = true;

/** Tracks one call's first gathered message, to tell whether grpc-js copes with them. */
class GatherCheck {
  #first: GatheredMessage | undefined;
  #turnPassed = false;

  /** What to hand grpc-js for `request`. */
  prepare(request: Buffer | GatheredMessage): Buffer {
    if (!(request instanceof GatheredMessage)) return request;
    if (!grpcGathersMessages) return request.toBuffer();
    if (this.#first === undefined) {
      this.#first = request;
      setImmediate(() => (this.#turnPassed = true));
    }
    // grpc-js reads only `length` and `copy` of a message (see GatheredMessage).
    return request as unknown as Buffer;
  }

  /** The call ended with `code`: if it failed and grpc-js never framed its first gathered message, stop gathering. */
  ended(code: number): void {
    if (code !== grpc.status.OK && this.#turnPassed && this.#first?.copied === false) grpcGathersMessages = false;
  }
}

/**
 * Unsent bytes a call may hold before `write` asks the caller to wait. grpc-js counts messages, not bytes
 * (16 of them), which for batches of several MiB would let tens of MiB wait in memory; 1 MiB is many HTTP/2
 * flow-control windows' worth, so the socket never runs dry.
 */
const MAX_UNSENT_BYTES = 1024 * 1024;

/** Runs `fn` with the proxy environment variables set to what the official SDKs would choose. */
function withProxyDecision<T>(proxy: URL | undefined, fn: () => T): T {
  const saved = { grpc_proxy: process.env.grpc_proxy, no_grpc_proxy: process.env.no_grpc_proxy };
  if (proxy) {
    process.env.grpc_proxy = proxy.href;
    process.env.no_grpc_proxy = "";
  }
  try {
    return fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A gRPC channel to a Zerobus endpoint. */
export class GrpcChannel {
  readonly #client: grpc.Client;

  /** Opens the channel lazily: no connection is made until the first call. */
  constructor(options: GrpcChannelOptions) {
    const credentials = options.endpoint.secure
      ? grpc.credentials.createSsl(options.rootCertificates ?? null)
      : grpc.credentials.createInsecure();
    const proxy = resolveProxy(options.endpoint.host);
    const channelOptions: grpc.ChannelOptions = {
      "grpc.max_send_message_length": -1,
      "grpc.max_receive_message_length": -1,
      "grpc.primary_user_agent": options.userAgent,
      // grpc-js's retry layer acknowledges writes once they are copied into its buffer, not once sent, so
      // Node's stream backpressure never engages and that buffer (re-sliced on every send) grows without
      // bound: O(n) per message on a long stream. With no buffer, `write()` returns false while the socket
      // is busy, as it should. The stream engine does its own replay, so grpc-js's retries are not needed.
      "grpc.enable_retries": 0,
      "grpc.per_rpc_retry_buffer_size": 0,
      // After a failed TCP/HTTP/2 connect, grpc-js waits out its own reconnect backoff (1 s, growing to
      // 120 s) and fails every call meanwhile without trying to connect. The stream engine paces its
      // attempts itself (recoveryBackoffMs), so that hidden pause would turn them into no-ops: a server
      // back after one refused connection would still exhaust the retries. Keep it short; it stays below
      // the default recoveryBackoffMs, so every attempt makes a real connection attempt.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1000,
      // grpc-js applies its own proxy rules unless told not to; ours follow the official SDKs.
      "grpc.enable_http_proxy": proxy ? 1 : 0,
      ...(options.ownConnection ? { "grpc.use_local_subchannel_pool": 1 } : {}),
    };
    this.#client = withProxyDecision(proxy, () => new grpc.Client(options.endpoint.target, credentials, channelOptions));
  }

  /** Starts a call of `rpc` (`EphemeralStream` unless told otherwise) with the given headers. */
  openStream(headers: ReadonlyArray<readonly [string, string]>, handlers: StreamCallHandlers, rpc: RpcMethod = EPHEMERAL_STREAM_RPC): StreamCall {
    const metadata = new grpc.Metadata();
    for (const [name, value] of headers) metadata.set(name, value);
    const call = this.#client.makeBidiStreamRequest(rpc.path, identity, rpc.decode, metadata);
    let closed = false;
    const close = (status: CallStatus): void => {
      if (closed) return;
      closed = true;
      handlers.closed(status);
    };
    call.on("data", (response: StreamResponse) => {
      if (!closed) handlers.response(response);
    });
    call.on("error", () => {
      // The final status arrives through the 'status' event; this listener keeps 'error' from throwing.
    });
    const gather = new GatherCheck();
    call.on("status", (status: grpc.StatusObject) => {
      gather.ended(status.code);
      const [statusDetails] = status.metadata?.get(STATUS_DETAILS_TRAILER) ?? [];
      close({ code: status.code, details: status.details, statusDetails: Buffer.isBuffer(statusDetails) ? statusDetails : undefined });
    });
    let unsentBytes = 0;
    let onDrain: (() => void) | undefined;
    return {
      write: (request, onWritten) => {
        unsentBytes += request.length;
        call.write(gather.prepare(request), () => {
          unsentBytes -= request.length;
          onWritten?.();
          if (onDrain && unsentBytes < MAX_UNSENT_BYTES) {
            const callback = onDrain;
            onDrain = undefined;
            callback();
          }
        });
        return unsentBytes < MAX_UNSENT_BYTES;
      },
      onDrain: (callback) => {
        if (unsentBytes < MAX_UNSENT_BYTES) queueMicrotask(callback);
        else onDrain = callback;
      },
      end: () => call.end(),
      cancel: () => call.cancel(),
    };
  }

  /** Closes the channel; open calls are cancelled. */
  close(): void {
    this.#client.close();
  }
}
