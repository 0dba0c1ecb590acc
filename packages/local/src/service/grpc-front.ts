/**
 * The gRPC port: a grpc-js server with the Zerobus record method, EphemeralStream, and the Arrow Flight
 * method DoPut (other Flight methods answer UNIMPLEMENTED).
 */
import { Server, ServerCredentials, type ServerDuplexStream, type ServiceDefinition } from "@grpc/grpc-js";
import type { Http2Session } from "node:http2";
import { DoPutCall } from "../flight/do-put-call.js";
import { FLIGHT_SERVICE, type IncomingFlightData } from "../flight/flight-service.js";
import { CallGuard, type CallGuardOptions } from "./call-guard.js";
import type { IngestContext } from "./call-lifecycle.js";
import { IngestCall } from "./ingest-call.js";
import {
  deserializeRequest,
  EPHEMERAL_STREAM_PATH,
  GRPC_RECEIVE_LIMIT_BYTES,
  RequestType,
  ResponseType,
  serializeResponse,
  type IncomingRequest,
  type StreamResponse,
} from "./wire-types.js";
import { callStatus, ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** A started gRPC server. */
export interface GrpcFront {
  port: number;
  /** Destroys every HTTP/2 connection at once (fault injection). */
  cutConnections(): void;
  /** Ends every call with UNAVAILABLE and stops the server. */
  close(): Promise<void>;
}

const SERVICE: ServiceDefinition = {
  EphemeralStream: {
    path: EPHEMERAL_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    // Only the server side is used; the client-side pair exists to satisfy the definition's shape.
    requestSerialize: (value: object) => Buffer.from(RequestType.encode(RequestType.fromObject(value)).finish()),
    requestDeserialize: deserializeRequest,
    responseSerialize: serializeResponse,
    responseDeserialize: (buffer: Buffer) => ResponseType.decode(buffer),
  },
};

/** How long `close()` lets ended calls deliver their statuses before dropping the connections. */
const SHUTDOWN_GRACE_MS = 2000;

/** Starts the gRPC server on `host:port` (port 0 picks a free one). */
export async function startGrpcFront(
  ctx: IngestContext,
  listen: { host: string; port: number; tls: { cert: string | Buffer; key: string | Buffer } | undefined },
  guardOptions: CallGuardOptions,
): Promise<GrpcFront> {
  const guard = new CallGuard(guardOptions, ctx.authority, ctx.noAuth, ctx.calls);
  const server = new Server({
    "grpc.max_receive_message_length": GRPC_RECEIVE_LIMIT_BYTES,
    "grpc.max_send_message_length": -1,
  });
  server.addService(SERVICE, {
    EphemeralStream: (call: ServerDuplexStream<IncomingRequest, StreamResponse>) =>
      guard.run(call, () => {
        const ingest = new IngestCall(call, ctx);
        ingest.start();
        return ingest;
      }),
  });
  server.addService(FLIGHT_SERVICE, {
    DoPut: (call: ServerDuplexStream<IncomingFlightData, Buffer>) =>
      guard.run(call, () => {
        const put = new DoPutCall(call, ctx);
        put.start();
        return put;
      }),
  });
  const credentials =
    listen.tls === undefined
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(null, [{ private_key: Buffer.from(listen.tls.key), cert_chain: Buffer.from(listen.tls.cert) }], false);
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${listen.port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  const cutConnections = () => {
    // grpc-js keeps its live HTTP/2 sessions in a private map; destroying them is a real connection loss.
    const sessions = (server as unknown as { sessions?: Map<Http2Session, unknown> }).sessions;
    if (sessions instanceof Map && sessions.size > 0) {
      for (const session of [...sessions.keys()]) session.destroy();
      return;
    }
    for (const call of [...ctx.calls]) call.end(callStatus(GrpcStatus.UNAVAILABLE, "Connection cut by fault injection", ERROR_CODES.UNAVAILABLE));
  };

  return {
    port,
    cutConnections,
    async close() {
      for (const call of [...ctx.calls]) {
        call.end(callStatus(GrpcStatus.UNAVAILABLE, "The local Zerobus service is shutting down", ERROR_CODES.UNAVAILABLE));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
