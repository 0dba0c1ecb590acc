/**
 * A real grpc-js server on 127.0.0.1:0 serving `EphemeralStream`, whose behaviour each test scripts. Every
 * call is exposed as a {@link ScriptedCall}: read what the client sent, answer (create response, acks,
 * close signals), or end it with any status. `close()` fails the test's teardown if a call is left open.
 */
import * as grpc from "@grpc/grpc-js";
import { ScriptedDuplexCall, startScriptedService, type ScriptedMethod, type ScriptedService } from "./scripted-grpc-service.js";
import { decodeRequest, encodeResponse, requestRecords, type DecodedRequest } from "./wire-schema.js";

/** One `EphemeralStream` call, as the test sees it. */
export class ScriptedCall extends ScriptedDuplexCall<DecodedRequest> {
  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
    super(call, decodeRequest);
  }

  /** Waits for the next ingest request and returns its offset and records. */
  async nextIngest(): Promise<{ offset: bigint; records: Buffer[] } | null> {
    const request = await this.next();
    return request ? requestRecords(request) : null;
  }

  /** Sends a raw response object (protobufjs plain form). */
  send(response: Record<string, unknown>): void {
    if (!this.finished) this.write(encodeResponse(response));
  }

  /** Answers the create request. */
  sendCreateResponse(streamId = "stream-1"): void {
    this.send({ createStreamResponse: { streamId } });
  }

  /** Acknowledges every request up to physical offset `offset`. */
  ack(offset: number | bigint): void {
    this.send({ ingestRecordResponse: { durabilityAckUpToOffset: String(offset) } });
  }

  /** Announces the server will close the stream after `ms`. */
  closeSignal(ms: number): void {
    this.send({ closeStreamSignal: { duration: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } } });
  }

  /** Ends the call with OK. */
  finish(): void {
    this.end(grpc.status.OK, "");
  }

  /** Ends the call with `code` and `details`, and `trailers` (e.g. `grpc-status-details-bin`) if given. */
  end(code: number, details: string, trailers?: Record<string, string | Buffer>): void {
    if (this.finished) return;
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(trailers ?? {})) metadata.set(name, value);
    this.finishWith(code, details, metadata);
  }
}

/** A running scripted `EphemeralStream` server. */
export type ScriptedServer = ScriptedService<ScriptedCall>;

const EPHEMERAL_STREAM: ScriptedMethod<ScriptedCall> = {
  name: "EphemeralStream",
  path: "/databricks.zerobus.Zerobus/EphemeralStream",
  wrap: (raw) => new ScriptedCall(raw),
};

/**
 * Starts a server whose every `EphemeralStream` call is handed to `script`, with its 0-based index. Initial metadata is sent at
 * once, as the real service does (clients wait for it).
 */
export function startScriptedServer(script: (call: ScriptedCall, index: number) => void | Promise<void>): Promise<ScriptedServer> {
  return startScriptedService(EPHEMERAL_STREAM, script);
}

/**
 * The usual script: answer create, then acknowledge every ingest request at once, until the client
 * half-closes; then finish with OK.
 */
export async function autoAck(call: ScriptedCall, streamId = `stream-${Math.random().toString(16).slice(2)}`): Promise<void> {
  const create = await call.next();
  if (!create?.createStream) return call.end(grpc.status.INVALID_ARGUMENT, "first message must be CreateStream");
  call.sendCreateResponse(streamId);
  for (;;) {
    const ingest = await call.nextIngest();
    if (!ingest) break;
    call.ack(ingest.offset);
  }
  call.finish();
}
