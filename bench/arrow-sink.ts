/**
 * The bench server's Arrow Flight side: a `DoPut` sink that answers the ready signal after the schema
 * frame and acknowledges every data frame (rows counted from the frame's header; bodies never decoded),
 * coalescing acks to one per event-loop turn per call as the record side does; and the OAuth token
 * endpoint the official SDK's Arrow streams insist on (they take no headers provider).
 */
import type * as grpc from "@grpc/grpc-js";
import { createServer, type Server } from "node:http";
import { rawBidiMethod, serveAckingCall } from "./acking-sink.js";
import { frameHeader, headerRows, putResult } from "./arrow-flight-frames.js";

const READY = putResult('{"ack_up_to_offset":-1,"ack_up_to_records":0}');

function handleDoPut(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
  let frames = -1;
  let rows = 0;
  let ready = false;
  const onFrame = (frame: Buffer): Buffer | "ack" => {
    const header = frameHeader(frame);
    const frameRows = header === undefined ? 0 : headerRows(header);
    // Frame 0 is the schema.
    if (!ready) {
      ready = true;
      return READY;
    }
    frames++;
    rows += frameRows;
    return "ack";
  };
  serveAckingCall(call, onFrame, () => putResult(`{"ack_up_to_offset":${frames},"ack_up_to_records":${rows}}`));
}

/** Adds `arrow.flight.protocol.FlightService/DoPut` to `server`. */
export function addFlightSink(server: grpc.Server): void {
  server.addService({ DoPut: rawBidiMethod("/arrow.flight.protocol.FlightService/DoPut") }, { DoPut: handleDoPut });
}

/** `POST /oidc/v1/token` answering every request with a token, on a loopback port. */
export function startTokenEndpoint(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "bench", token_type: "Bearer", expires_in: 3600 }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port })));
}
