/**
 * One Arrow Flight DoPut call (ARROW-FLIGHT.md §7), from its headers to its status: the same token and
 * table-header checks as a record stream; the schema frame checked against the table, then the ready
 * signal; each data frame's offset_id checked, its RecordBatch decoded into the table's columns and
 * appended to the table's shared writer; cumulative acks sent only once the rows are committed.
 * Memory is bounded: the call stops reading while its unacknowledged frames hold too many bytes.
 */
import { randomUUID } from "node:crypto";
import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";
import type { TableName } from "../catalog/table-name.js";
import type { TableInfo } from "../catalog/table-store.js";
import { columnBatchBytes, prewarmColumnFileEncoder, type DeltaTableWriter } from "../delta/index.js";
import { AckSequencer } from "../service/ack-sequencer.js";
import { commitFailure, isUnsupportedFeature, unsupportedTable, type IngestContext } from "../service/ingest-call.js";
import { schemaValidationError } from "../service/schema-validation-status.js";
import type { ServiceCall } from "../service/service-call.js";
import { authorizeCall, TABLE_HEADER } from "../service/stream-handshake.js";
import { MAX_MESSAGE_BYTES } from "../service/wire-types.js";
import { callStatus, CallStatusError, ERROR_CODES, GrpcStatus, type CallStatus } from "../service/zerobus-status.js";
import { ArrowSchemaMismatch, checkArrowSchema, type ColumnPlan } from "./arrow-schema-check.js";
import { parseOffsetId, putResultFor, READY_ACK, type FlightAck } from "./flight-acks.js";
import type { IncomingFlightData } from "./flight-service.js";
import type { FlightData } from "./flight-wire.js";
import { IpcMessageError, readIpcMessage } from "./ipc-message.js";
import { decodeRecordBatch, InvalidBatchError } from "./record-batch-decoder.js";

/**
 * Bytes of received-but-unacknowledged frames (wire bytes plus decoded columns) above which a call
 * stops reading until acks catch up; HTTP/2 flow control then holds the client back.
 */
export const MAX_UNACKED_BYTES_PER_CALL = 64 * 1024 * 1024;

type Duplex = ServerDuplexStream<IncomingFlightData, Buffer>;

interface OpenPut {
  table: TableInfo;
  plans: ColumnPlan[];
  writer: DeltaTableWriter;
  streamId: string;
  nextOffset: bigint;
  /** Rows received through each tracked offset, oldest first (dropped once acked). */
  rowsThrough: FlightAck[];
  rowsReceived: number;
  lastAck: FlightAck;
  acks: AckSequencer;
  closing: boolean;
}

type PutState = { t: "starting" } | { t: "awaiting-schema"; table: TableName } | { t: "open"; put: OpenPut } | { t: "ended" };

/** Handles one DoPut call. */
export class DoPutCall implements ServiceCall {
  private state: PutState = { t: "starting" };
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private unackedBytes = 0;
  private paused = false;

  constructor(
    private readonly call: Duplex,
    private readonly ctx: IngestContext,
  ) {}

  /** Starts the call: headers out at once, then the header checks; frames are handled in order. */
  start(): void {
    this.call.sendMetadata(new Metadata());
    this.ctx.calls.add(this);
    this.call.on("cancelled", () => this.finish());
    this.call.on("error", () => this.finish());
    const failure = this.ctx.faults.takeStreamFailure();
    if (failure !== undefined) return this.end(failure);
    try {
      const table = authorizeCall(this.call.metadata, this.ctx.authority, this.ctx.noAuth);
      // A record stream may name its table in create_stream; a DoPut has only the header.
      if (table === undefined) throw refuse(GrpcStatus.INVALID_ARGUMENT, `DoPut needs the ${TABLE_HEADER} header naming the table`, ERROR_CODES.INVALID_REQUEST);
      this.state = { t: "awaiting-schema", table };
    } catch (err) {
      return this.endWith(err);
    }
    this.call.on("data", (incoming: IncomingFlightData) => {
      // Counted from arrival: frames waiting in the chain (behind the table lookup, say) are held too.
      this.hold(incoming.bytes);
      this.enqueue(async () => {
        let tracked = false;
        try {
          tracked = await this.onMessage(incoming);
        } finally {
          if (!tracked) this.release(incoming.bytes);
        }
      });
    });
    this.call.on("end", () => this.enqueue(() => this.onHalfClose()));
  }

  get tableName(): string | undefined {
    return this.state.t === "open" ? this.state.put.table.name.fullName : this.state.t === "awaiting-schema" ? this.state.table.fullName : undefined;
  }

  /**
   * Asks the client to rotate (a PutResult with `close_stream_duration_ms`), keeps acking for
   * `durationMs`, then ends the call with UNAVAILABLE (Error Code 6002) unless the client half-closed first.
   */
  announceClose(durationMs: number): void {
    if (this.state.t !== "open" || this.state.put.closing) return;
    const put = this.state.put;
    put.closing = true;
    void this.send(putResultFor(put.lastAck, durationMs));
    this.after(durationMs, async () => {
      await put.acks.drain();
      this.end(callStatus(GrpcStatus.UNAVAILABLE, `Stream timeout reached. Closing the stream (ID: ${put.streamId})`, ERROR_CODES.STREAM_LIFETIME));
    });
  }

  end(status: CallStatus): void {
    if (this.state.t === "ended") return;
    this.finish();
    if (status.code === GrpcStatus.OK) this.call.end();
    else this.call.emit("error", { code: status.code, details: status.details, metadata: status.metadata });
  }

  private enqueue(step: () => void | Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => this.refuseAfterAcks(err));
  }

  // Frames accepted before a refused one are committed; ack them before ending, or the client resends them.
  private async refuseAfterAcks(err: unknown): Promise<void> {
    if (this.state.t === "open" && err instanceof CallStatusError) await this.state.put.acks.drain();
    this.endWith(err);
  }

  /** Handles one frame; true when its bytes stay held until its ack. */
  private async onMessage(incoming: IncomingFlightData): Promise<boolean> {
    if (this.state.t === "ended") return false;
    if (incoming.t === "too-large") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `FlightData of ${incoming.bytes} bytes exceeds the maximum message size of ${MAX_MESSAGE_BYTES} bytes (10 MiB)`, ERROR_CODES.MESSAGE_TOO_LARGE);
    }
    if (incoming.t === "undecodable") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Message is not a valid FlightData: ${incoming.error}`, ERROR_CODES.INVALID_REQUEST);
    }
    if (this.state.t === "awaiting-schema") {
      await this.open(this.state.table, incoming.frame);
      return false;
    }
    return this.state.t === "open" && this.ingest(this.state.put, incoming.frame, incoming.bytes);
  }

  private async open(name: TableName, frame: FlightData): Promise<void> {
    const message = readOrRefuse(frame.dataHeader, "the first FlightData");
    if (message.kind !== "schema") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `The first FlightData must carry the stream's Schema, got a ${message.kind === "record-batch" ? "RecordBatch" : message.type}`, ERROR_CODES.INVALID_REQUEST);
    }
    const table = await this.ctx.store.get(name);
    if (table === undefined) throw refuse(GrpcStatus.NOT_FOUND, `Table '${name.fullName}' does not exist`, ERROR_CODES.TABLE_NOT_FOUND);
    let plans: ColumnPlan[];
    try {
      plans = checkArrowSchema(message.schema, table.fields);
    } catch (err) {
      if (!(err instanceof ArrowSchemaMismatch)) throw err;
      throw schemaValidationError(`Arrow Flight schema validation failed for table '${name.fullName}': ${err.message}`, err.causes);
    }
    let writer: DeltaTableWriter;
    try {
      writer = await this.ctx.writers.acquire(table.dir);
    } catch (err) {
      if (isUnsupportedFeature(err)) throw unsupportedTable(err, name.fullName);
      throw refuse(GrpcStatus.INTERNAL, `Cannot open table '${name.fullName}' for writing: ${(err as Error).message}`, ERROR_CODES.INTERNAL);
    }
    if (writer.partitionColumns.length > 0) {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Table '${name.fullName}' is partitioned; this service writes partitioned tables through record streams only`, ERROR_CODES.UNSUPPORTED_TABLE_FEATURE);
    }
    if (this.state.t === "ended") return;
    prewarmColumnFileEncoder();
    const put: OpenPut = {
      table, plans, writer, streamId: randomUUID(), nextOffset: 0n, rowsThrough: [], rowsReceived: 0, lastAck: READY_ACK, closing: false,
      acks: new AckSequencer({
        send: (offset) => this.sendAck(put, offset),
        gate: () => this.ctx.faults.ackGate(),
        onFailure: (err) => this.endWith(commitFailure(err, name.fullName)),
      }),
    };
    this.state = { t: "open", put };
    await this.send(putResultFor(READY_ACK));
    if (this.ctx.streamLifetimeMs !== undefined) this.after(this.ctx.streamLifetimeMs, () => this.announceClose(this.ctx.closeSignalDurationMs));
  }

  private ingest(put: OpenPut, frame: FlightData, wireBytes: number): boolean {
    const fate = this.ctx.faults.onIngestRequest();
    if (fate === "drop") return false;
    const offset = parseOffsetId(frame.appMetadata);
    if (offset === undefined) {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `A data FlightData needs app_metadata {"offset_id":N}, got ${describeMetadata(frame.appMetadata)}`, ERROR_CODES.INVALID_REQUEST);
    }
    if (offset !== put.nextOffset) {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Non-sequential offset_id: expected ${put.nextOffset}, got ${offset}`, ERROR_CODES.NON_SEQUENTIAL_OFFSET);
    }
    const message = readOrRefuse(frame.dataHeader, `the FlightData at offset_id ${offset}`);
    if (message.kind !== "record-batch") {
      const what = message.kind === "schema" ? "a second Schema" : message.type === "DictionaryBatch" ? "a DictionaryBatch (send dictionary-decoded columns)" : message.type;
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `The FlightData at offset_id ${offset} carries ${what}; only RecordBatch frames may follow the schema`, ERROR_CODES.INVALID_REQUEST);
    }
    let batch;
    try {
      if (message.bodyLength > frame.dataBody.length) throw new InvalidBatchError(`its header declares a ${message.bodyLength}-byte body but ${frame.dataBody.length} bytes arrived`);
      batch = decodeRecordBatch(message.header, frame.dataBody, put.plans);
      if (batch.numRows === 0) throw new InvalidBatchError("it has no rows");
    } catch (err) {
      if (err instanceof InvalidBatchError) throw refuse(GrpcStatus.INVALID_ARGUMENT, `RecordBatch at offset_id ${offset} is invalid: ${err.message}`, ERROR_CODES.INVALID_RECORD);
      throw err;
    }
    put.nextOffset += 1n;
    put.rowsReceived += batch.numRows;
    put.rowsThrough.push({ offset, records: put.rowsReceived });
    const decodedBytes = columnBatchBytes(batch);
    this.hold(decodedBytes);
    const durable = put.writer.appendArrowColumns(batch, { appId: put.streamId, version: offset });
    const acked = put.acks.track(offset, durable);
    void acked.then(() => this.release(wireBytes + decodedBytes));
    if (fate === "process-then-cut") void acked.then(() => this.ctx.faults.cutNow());
    return true;
  }

  private sendAck(put: OpenPut, offset: bigint): Promise<void> {
    let ack = put.lastAck;
    while (put.rowsThrough.length > 0 && put.rowsThrough[0]!.offset <= offset) ack = put.rowsThrough.shift()!;
    put.lastAck = ack;
    return this.send(putResultFor(ack));
  }

  private hold(bytes: number): void {
    this.unackedBytes += bytes;
    if (!this.paused && this.unackedBytes >= MAX_UNACKED_BYTES_PER_CALL) {
      this.paused = true;
      this.call.pause();
    }
  }

  private release(bytes: number): void {
    this.unackedBytes -= bytes;
    if (this.paused && this.unackedBytes < MAX_UNACKED_BYTES_PER_CALL / 2) {
      this.paused = false;
      this.call.resume();
    }
  }

  private async onHalfClose(): Promise<void> {
    if (this.state.t === "open") await this.state.put.acks.drain();
    this.end({ code: GrpcStatus.OK, details: "OK" });
  }

  private send(result: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.state.t === "ended") return resolve();
      this.call.write(result, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  private after(ms: number, run: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(run);
    }, ms);
    this.timers.add(timer);
  }

  private endWith(err: unknown): void {
    if (err instanceof CallStatusError) return this.end(err.status);
    if (isUnsupportedFeature(err)) return this.end(unsupportedTable(err, this.tableName).status);
    this.end(callStatus(GrpcStatus.INTERNAL, `Internal error: ${(err as Error)?.message ?? String(err)}`, ERROR_CODES.INTERNAL));
  }

  private finish(): void {
    if (this.state.t === "open") this.state.put.acks.close();
    this.state = { t: "ended" };
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ctx.calls.delete(this);
  }
}

function readOrRefuse(dataHeader: Uint8Array, where: string) {
  try {
    return readIpcMessage(dataHeader);
  } catch (err) {
    if (err instanceof IpcMessageError) throw refuse(GrpcStatus.INVALID_ARGUMENT, `The data_header of ${where} is invalid: ${err.message}`, ERROR_CODES.INVALID_RECORD);
    throw err;
  }
}

function describeMetadata(bytes: Uint8Array): string {
  if (bytes.length === 0) return "none";
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 80)).toString("utf8");
  return JSON.stringify(text) + (bytes.length > 80 ? "…" : "");
}

function refuse(code: GrpcStatus, text: string, errorCode: number): CallStatusError {
  return new CallStatusError(callStatus(code, text, errorCode));
}
