/**
 * A real grpc-js server on 127.0.0.1:0 serving Flight `DoPut`, each call scripted by the test (the Flight
 * counterpart of `scripted-server.ts`): read the frames the client sent (decoded: kind, rows, offset_id),
 * send the ready signal and row acks, or end the call with any status.
 */
import * as grpc from "@grpc/grpc-js";
import { DO_PUT_METHOD } from "../arrow/flight-protocol.js";
import { MessageKind, recordBatchLayout } from "../arrow/ipc-messages.js";
import { rootTable, readUint8 } from "../arrow/flatbuffer-reader.js";
import { readVarint } from "../wire/varint.js";
import { ScriptedDuplexCall, startScriptedService, type ScriptedMethod, type ScriptedService } from "./scripted-grpc-service.js";

/** One FlightData frame as the test sees it. */
export interface ReceivedFrame {
  /** `MessageKind` of the data_header. */
  readonly kind: number;
  readonly header: Buffer;
  readonly body: Buffer;
  /** `offset_id` of the app_metadata, or `undefined` when there was none. */
  readonly offsetId: number | undefined;
  /** Rows of a RecordBatch frame (0 otherwise). */
  readonly rows: number;
  /** Body compression codec of a RecordBatch frame, `undefined` when not compressed. */
  readonly codec: number | undefined;
  /** Whether field 1 (FlightDescriptor) was present. */
  readonly hasDescriptor: boolean;
}

/** Decodes a FlightData message. */
export function decodeFlightFrame(bytes: Buffer): ReceivedFrame {
  let pos = 0;
  let header: Buffer = Buffer.alloc(0);
  let body: Buffer = Buffer.alloc(0);
  let metadata: string | undefined;
  let hasDescriptor = false;
  while (pos < bytes.length) {
    const key = readVarint(bytes, pos);
    const length = readVarint(bytes, key.next);
    const value = bytes.subarray(length.next, length.next + Number(length.value));
    pos = length.next + Number(length.value);
    const field = Number(key.value >> 3n);
    if (field === 1) hasDescriptor = true;
    else if (field === 2) header = value;
    else if (field === 3) metadata = value.toString("utf8");
    else if (field === 1000) body = value;
  }
  const kind = readUint8(rootTable(header), 1);
  const layout = kind === MessageKind.RecordBatch ? recordBatchLayout(header) : undefined;
  const offsetId = metadata === undefined ? undefined : (JSON.parse(metadata) as { offset_id: number }).offset_id;
  return { kind, header, body, offsetId, rows: layout?.rows ?? 0, codec: layout?.codec, hasDescriptor };
}

/** One DoPut call. */
export class ScriptedFlightCall extends ScriptedDuplexCall<ReceivedFrame> {
  #rowsAcked = 0;

  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
    super(call, decodeFlightFrame);
  }

  /** Sends a PutResult whose app_metadata is `json`. */
  sendMetadata(json: string): void {
    const metadata = Buffer.from(json);
    this.write(Buffer.concat([Buffer.from([0x0a, metadata.length]), metadata]));
  }

  /** The ready signal. */
  ready(): void {
    this.sendMetadata(`{"ack_up_to_offset":-1,"ack_up_to_records":0}`);
  }

  /** Acknowledges frames up to `offset` holding `records` rows in all (cumulative on this call). */
  ack(offset: number, records: number, closeStreamDurationMs?: number): void {
    const close = closeStreamDurationMs === undefined ? "" : `,"close_stream_duration_ms":${closeStreamDurationMs}`;
    this.#rowsAcked = records;
    this.sendMetadata(`{"ack_up_to_offset":${offset},"ack_up_to_records":${records}${close}}`);
  }

  /** Acknowledges `frame` (a data frame of this call): every row up to and including it. */
  ackFrame(frame: ReceivedFrame): void {
    this.ack(frame.offsetId!, this.#rowsAcked + frame.rows);
  }

  /** Ends the call with `code` (OK by default). */
  end(code: number = grpc.status.OK, details = "", trailers?: grpc.Metadata): void {
    this.finishWith(code, details, trailers);
  }
}

/** A running scripted Flight server. */
export type ScriptedFlightServer = ScriptedService<ScriptedFlightCall>;

const DO_PUT: ScriptedMethod<ScriptedFlightCall> = { name: "DoPut", path: DO_PUT_METHOD, wrap: (raw) => new ScriptedFlightCall(raw) };

/** Starts a server handing every DoPut call to `script`. */
export function startScriptedFlightServer(
  script: (call: ScriptedFlightCall, index: number) => void | Promise<void>,
): Promise<ScriptedFlightServer> {
  return startScriptedService(DO_PUT, script, { "grpc.max_receive_message_length": -1 });
}

/** The usual script: ready after the schema frame, then every data frame acknowledged at once; OK at the half-close. */
export async function autoAckFlight(call: ScriptedFlightCall): Promise<void> {
  const schema = await call.next();
  if (schema?.kind !== MessageKind.Schema) return call.end(grpc.status.INVALID_ARGUMENT, "first frame must be the schema");
  call.ready();
  for (let frame = await call.next(); frame; frame = await call.next()) call.ackFrame(frame);
  call.end();
}
