/**
 * The bench server's Arrow Flight side: a `DoPut` sink that answers the ready signal after the schema
 * frame and acknowledges every data frame (rows counted from the frame's header; bodies never decoded),
 * coalescing acks to one per event-loop turn per call as the record side does; and the OAuth token
 * endpoint the official SDK's Arrow streams insist on (they take no headers provider).
 */
import * as grpc from "@grpc/grpc-js";
import { createServer, type Server } from "node:http";
import { frameHeader, headerRows, putResult } from "./arrow-flight-frames.js";

const READY = putResult('{"ack_up_to_offset":-1,"ack_up_to_records":0}');

function handleDoPut(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
  call.sendMetadata(new grpc.Metadata());
  let frames = -1;
  let rows = 0;
  let scheduled = false;
  let ready = false;
  const flushAck = () => {
    scheduled = false;
    call.write(putResult(`{"ack_up_to_offset":${frames},"ack_up_to_records":${rows}}`));
  };
  call.on("data", (frame: Buffer) => {
    const header = frameHeader(frame);
    const frameRows = header === undefined ? 0 : headerRows(header);
    if (!ready) {
      // Frame 0 is the schema.
      ready = true;
      return void call.write(READY);
    }
    frames++;
    rows += frameRows;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushAck);
    }
  });
  call.on("end", () => call.end());
  call.on("error", () => {});
}

const identity = (b: Buffer) => b;

/** Adds `arrow.flight.protocol.FlightService/DoPut` to `server`. */
export function addFlightSink(server: grpc.Server): void {
  server.addService(
    {
      DoPut: {
        path: "/arrow.flight.protocol.FlightService/DoPut",
        requestStream: true,
        responseStream: true,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    { DoPut: handleDoPut },
  );
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
