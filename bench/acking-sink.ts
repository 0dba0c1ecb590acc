/**
 * What the bench server's two sinks share (`EphemeralStream` in bench-server.ts, Flight `DoPut` in
 * arrow-sink.ts): a bidirectional method carrying raw bytes, and a call that answers at once, never
 * decodes more than it must, and coalesces its acks to one per event-loop turn, as a real server does.
 */
import * as grpc from "@grpc/grpc-js";

const identity = (b: Buffer) => b;

/** A bidirectional-streaming method at `path` whose messages stay raw bytes. */
export function rawBidiMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: true,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/**
 * Serves one call: headers at once; each frame goes to `onFrame`, which returns a response to write now
 * or `"ack"` to have `ack()` written at the end of this event-loop turn (once, however many frames asked);
 * OK at the client's half-close.
 */
export function serveAckingCall(call: grpc.ServerDuplexStream<Buffer, Buffer>, onFrame: (frame: Buffer) => Buffer | "ack", ack: () => Buffer): void {
  call.sendMetadata(new grpc.Metadata());
  let scheduled = false;
  const flushAck = () => {
    scheduled = false;
    call.write(ack());
  };
  call.on("data", (frame: Buffer) => {
    const answer = onFrame(frame);
    if (answer !== "ack") return void call.write(answer);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushAck);
    }
  });
  call.on("end", () => call.end());
  call.on("error", () => {});
}
