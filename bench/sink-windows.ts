/**
 * The bench server's HTTP/2 receive windows: what a tonic (hyper) server advertises by default, 1 MiB per
 * stream and 1 MiB per connection, instead of the 64 KiB grpc-js servers keep from Node.
 *
 * Why: with 64 KiB a client may have only 64 KiB in flight before it waits for a WINDOW_UPDATE, so a
 * stream of 30 KB–1.5 MB frames becomes thousands of round trips a second. Measured on loopback, that
 * capped every client (ours, the official one and the pre-framed ceiling client alike) at 9–11 M rows/s
 * and made the window, not the client, what the bench measured; with tonic's windows the ceiling client
 * reaches 18–29 M. Real gRPC servers all grow their windows past 64 KiB (tonic 1 MiB, grpc-java 1 MiB,
 * grpc-go by bandwidth-delay estimate).
 *
 * The local service keeps Node's windows: on a 2-core machine its durable rate was higher with them
 * (4.1–5.3 M vs 3.8–4.0 M rows/s), the client being slowed where the service needs the CPU.
 *
 * grpc-js does not expose its HTTP/2 servers, so they are found through a private field.
 */
import type { Server } from "@grpc/grpc-js";
import type { Http2Server, Http2Session } from "node:http2";

const STREAM_WINDOW_BYTES = 1024 * 1024;
const CONNECTION_WINDOW_BYTES = 1024 * 1024;

/** Gives every connection `server` accepts from now on tonic's windows; throws if grpc-js's shape is not recognised. */
export function advertiseTonicWindows(server: Server): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map) || http2Servers.size === 0) {
    throw new Error("grpc-js no longer keeps its HTTP/2 servers in `http2Servers`: the sink would run with 64 KiB windows");
  }
  for (const http2Server of http2Servers.keys() as IterableIterator<Http2Server>) {
    http2Server.on("session", (session: Http2Session) => {
      session.settings({ initialWindowSize: STREAM_WINDOW_BYTES });
      session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
    });
  }
}
