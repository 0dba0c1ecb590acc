/**
 * The bench server: a grpc-js `EphemeralStream` server on loopback that acknowledges everything and never
 * decodes a record, so client cost dominates. Acks are coalesced to one per event-loop turn per call, as a
 * real server coalesces them. Also an Arrow Flight DoPut sink and a token endpoint (arrow-sink.ts). Its
 * HTTP/2 windows are a tonic server's, not Node's 64 KiB (sink-windows.ts). Run as
 * a child process; prints `{"port": N, "httpPort": M}` on stdout when ready.
 */
import * as grpc from "@grpc/grpc-js";
import { rawBidiMethod, serveAckingCall } from "./acking-sink.js";
import { addFlightSink, startTokenEndpoint } from "./arrow-sink.js";
import { scanRequest } from "./wire-scan.js";
import { advertiseTonicWindows } from "./sink-windows.js";

const CREATE_RESPONSE = Buffer.from([0x0a, 0x07, 0x0a, 0x05, ...Buffer.from("bench")]);

function ackResponse(offset: number): Buffer {
  const varint: number[] = [];
  let v = offset;
  while (v >= 0x80) {
    varint.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  varint.push(v);
  return Buffer.from([0x12, varint.length + 1, 0x08, ...varint]);
}

function handle(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
  let highest = -1;
  const onFrame = (buf: Buffer): Buffer | "ack" => {
    const request = scanRequest(buf);
    if (request.kind === "create") return CREATE_RESPONSE;
    // Physical offsets are contiguous per call, so counting requests gives the offset without trusting it
    // (the ceiling client re-sends cached envelopes).
    highest++;
    return "ack";
  };
  serveAckingCall(call, onFrame, () => ackResponse(highest));
}

const server = new grpc.Server({ "grpc.max_receive_message_length": -1 });
server.addService({ EphemeralStream: rawBidiMethod("/databricks.zerobus.Zerobus/EphemeralStream") }, { EphemeralStream: handle });
addFlightSink(server);
const tokens = await startTokenEndpoint();
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  advertiseTonicWindows(server);
  console.log(JSON.stringify({ port, httpPort: tokens.port }));
});
// Exit, not just stop serving: the IPC channel to the bench runner would otherwise keep both processes alive.
const stop = (): void => {
  server.forceShutdown();
  tokens.server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("disconnect", stop);
