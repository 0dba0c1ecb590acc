/**
 * One Arrow Flight DoPut call (ARROW-FLIGHT.md §7), from its headers to its status: the same token and
 * table-header checks as a record stream; the schema frame checked against the table, then the ready
 * signal; each data frame's offset_id checked, its RecordBatch decoded into the table's columns (nested
 * ones included), split by partition for a partitioned table, and appended to the table's shared
 * writer; cumulative acks sent only once the rows are committed.
 * Memory is bounded: the call stops reading while its unacknowledged frames hold too many bytes.
 */
import { randomUUID } from "node:crypto";
import type { TableName } from "../catalog/table-name.js";
import type { TableInfo } from "../catalog/table-store.js";
import { columnBatchBytes, PartitionLimitError, prewarmColumnFileEncoder, splitByPartition, type ColumnBatch, type DeltaTableWriter } from "../delta/index.js";
import { AckSequencer } from "../service/ack-sequencer.js";
import { commitFailure, isUnsupportedFeature, refuse, unsupportedTable } from "../service/call-failures.js";
import { CallLifecycle, type OpenCall } from "../service/call-lifecycle.js";
import { schemaValidationError } from "../service/schema-validation-status.js";
import { authorizeCall, TABLE_HEADER } from "../service/stream-handshake.js";
import { MAX_MESSAGE_BYTES } from "../service/wire-types.js";
import { ERROR_CODES, GrpcStatus } from "../service/zerobus-status.js";
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

interface OpenPut extends OpenCall {
  table: TableInfo;
  plans: ColumnPlan[];
  writer: DeltaTableWriter;
  nextOffset: bigint;
  /** Rows received through each tracked offset, oldest first (dropped once acked). */
  rowsThrough: FlightAck[];
  rowsReceived: number;
  lastAck: FlightAck;
}

type PutState = { t: "starting" } | { t: "awaiting-schema"; table: TableName } | { t: "open"; put: OpenPut } | { t: "ended" };

/** Handles one DoPut call. */
export class DoPutCall extends CallLifecycle<IncomingFlightData, Buffer, OpenPut> {
  private state: PutState = { t: "starting" };
  private unackedBytes = 0;
  private paused = false;

  protected authorize(): void {
    const table = authorizeCall(this.call.metadata, this.ctx.authority, this.ctx.noAuth);
    // A record stream may name its table in create_stream; a DoPut has only the header.
    if (table === undefined) throw refuse(GrpcStatus.INVALID_ARGUMENT, `DoPut needs the ${TABLE_HEADER} header naming the table`, ERROR_CODES.INVALID_REQUEST);
    this.state = { t: "awaiting-schema", table };
  }

  // Frames are handled in order; their bytes are held from arrival until their ack.
  protected listen(): void {
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
  }

  get tableName(): string | undefined {
    return this.state.t === "open" ? this.state.put.table.name.fullName : this.state.t === "awaiting-schema" ? this.state.table.fullName : undefined;
  }

  protected openStream(): OpenPut | undefined {
    return this.state.t === "open" ? this.state.put : undefined;
  }

  protected isEnded(): boolean {
    return this.state.t === "ended";
  }

  protected markEnded(): void {
    this.state = { t: "ended" };
  }

  /** A PutResult with `close_stream_duration_ms` asks the client to rotate (ARROW-FLIGHT.md §7). */
  protected closeSignal(put: OpenPut, durationMs: number): Buffer {
    return putResultFor(put.lastAck, durationMs);
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
    this.startLifetime();
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
    let pieces: ColumnBatch[];
    try {
      if (message.bodyLength > frame.dataBody.length) throw new InvalidBatchError(`its header declares a ${message.bodyLength}-byte body but ${frame.dataBody.length} bytes arrived`);
      batch = decodeRecordBatch(message.header, frame.dataBody, put.plans);
      if (batch.numRows === 0) throw new InvalidBatchError("it has no rows");
      // A partitioned table's rows go to their partitions' files: one piece per partition.
      pieces = put.writer.partitionColumns.length === 0 ? [batch] : splitByPartition(put.writer.fields, put.writer.partitionColumns, batch);
    } catch (err) {
      if (err instanceof InvalidBatchError || err instanceof PartitionLimitError) {
        throw refuse(GrpcStatus.INVALID_ARGUMENT, `RecordBatch at offset_id ${offset} is invalid: ${err.message}`, ERROR_CODES.INVALID_RECORD);
      }
      throw err;
    }
    put.nextOffset += 1n;
    put.rowsReceived += batch.numRows;
    put.rowsThrough.push({ offset, records: put.rowsReceived });
    // Held: the decoded batch, and the pieces of a batch of several partitions (views of it or gathered
    // copies; counted in full either way, an overestimate for views). A batch of one partition is one
    // piece sharing the batch's columns.
    let decodedBytes = columnBatchBytes(batch);
    if (pieces.length > 1) for (const piece of pieces) decodedBytes += columnBatchBytes(piece);
    this.hold(decodedBytes);
    const durable = put.writer.appendArrowColumns(pieces, { appId: put.streamId, version: offset });
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
