/**
 * One EphemeralStream call, from its headers to its status (PROTOCOL.md §12): handshake, then ingest
 * requests checked, decoded and appended in offset order, with cumulative acks sent only once the rows
 * are committed to the Delta table.
 */
import { randomUUID } from "node:crypto";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { TableName } from "../catalog/table-name.js";
import { DeltaError, type DeltaTableWriter } from "../delta/index.js";
import { InvalidRecordError } from "../records/decode-records.js";
import type { Release } from "./admission-control.js";
import { commitFailure, isUnsupportedFeature, refuse, unsupportedTable } from "./call-failures.js";
import { CallLifecycle, type IngestContext, type OpenCall } from "./call-lifecycle.js";
import { decodeRequest, type DecodedRequest } from "./decode-request.js";
import type { InflightBudget } from "./inflight-budget.js";
import { recordArraySource, type RecordSource } from "./wire-record-batch.js";
import { AckSequencer } from "./ack-sequencer.js";
import { authorizeCall, setUpStream, type StreamSetup } from "./stream-handshake.js";
import { int64ToBigInt, MAX_MESSAGE_BYTES, type IncomingRequest, type StreamRequest, type StreamResponse } from "./wire-types.js";
import { ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** Requests a call queues before it stops reading (one being handled, one waiting). */
const MAX_QUEUED_REQUESTS = 1;

type Duplex = ServerDuplexStream<IncomingRequest, StreamResponse>;

interface OpenStream extends StreamSetup, OpenCall {
  writer: DeltaTableWriter;
  nextOffset: bigint;
}

type CallState = { t: "awaiting-create"; headerTable: TableName | undefined } | { t: "open"; stream: OpenStream } | { t: "ended" };

/** Handles one EphemeralStream call. */
export class IngestCall extends CallLifecycle<IncomingRequest, StreamResponse, OpenStream> {
  private state: CallState = { t: "awaiting-create", headerTable: undefined };
  private readonly budget: InflightBudget;
  // Requests received and not yet being handled.
  private queued = 0;

  constructor(call: Duplex, ctx: IngestContext) {
    super(call, ctx);
    this.budget = ctx.admission.callBudget();
  }

  protected authorize(): void {
    this.state = { t: "awaiting-create", headerTable: authorizeCall(this.call.metadata, this.ctx.authority, this.ctx.noAuth) };
  }

  protected listen(): void {
    limitReadAhead(this.call);
    this.call.on("data", (incoming: IncomingRequest) => {
      // Stop reading while requests wait: unread messages stay with the client (HTTP/2 flow control)
      // instead of piling up here.
      if (++this.queued > MAX_QUEUED_REQUESTS) this.call.pause();
      this.enqueue(() => {
        if (--this.queued <= MAX_QUEUED_REQUESTS && this.call.isPaused()) this.call.resume();
        return this.onRequest(incoming);
      });
    });
  }

  /** The table this call streams into, once open. */
  get tableName(): string | undefined {
    return this.state.t === "open" ? this.state.stream.table.name.fullName : undefined;
  }

  protected openStream(): OpenStream | undefined {
    return this.state.t === "open" ? this.state.stream : undefined;
  }

  protected isEnded(): boolean {
    return this.state.t === "ended";
  }

  protected markEnded(): void {
    this.state = { t: "ended" };
  }

  protected closeSignal(_open: OpenStream, durationMs: number): StreamResponse {
    const seconds = Math.floor(durationMs / 1000);
    return { close_stream_signal: { duration: { seconds: String(seconds), nanos: Math.round((durationMs - seconds * 1000) * 1e6) } } };
  }

  private async onRequest(incoming: IncomingRequest): Promise<void> {
    if (this.state.t === "ended") return;
    if (incoming.t === "too-large") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Message of ${incoming.bytes} bytes exceeds the maximum message size of ${MAX_MESSAGE_BYTES} bytes (10 MiB)`, ERROR_CODES.MESSAGE_TOO_LARGE);
    }
    if (incoming.t === "undecodable") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Request is not a valid EphemeralStreamRequest: ${incoming.error}`, ERROR_CODES.INVALID_REQUEST);
    }
    const request = incoming.request;
    const payload = request.payload;
    if (this.state.t === "awaiting-create") {
      if (payload !== "create_stream" || request.create_stream == null) {
        throw refuse(GrpcStatus.INVALID_ARGUMENT, `First message must be CreateStream, got ${payload ?? "an empty request"}`, ERROR_CODES.INVALID_REQUEST);
      }
      return this.open(request.create_stream, this.state.headerTable);
    }
    const stream = this.state.stream;
    if (payload === "ingest_record" || payload === "ingest_record_batch") return this.ingest(stream, request, incoming.bytes);
    throw refuse(GrpcStatus.INVALID_ARGUMENT, payload === "create_stream" ? "CreateStream may only be sent once per stream" : "Request has no payload", ERROR_CODES.INVALID_REQUEST);
  }

  private async open(create: NonNullable<StreamRequest["create_stream"]>, headerTable: TableName | undefined): Promise<void> {
    const setup = await setUpStream(create, headerTable, this.ctx.store);
    let writer: DeltaTableWriter;
    try {
      writer = await this.ctx.writers.acquire(setup.table.dir);
    } catch (err) {
      if (isUnsupportedFeature(err)) throw unsupportedTable(err, setup.table.name.fullName);
      throw refuse(GrpcStatus.INTERNAL, `Cannot open table '${setup.table.name.fullName}' for writing: ${(err as Error).message}`, ERROR_CODES.INTERNAL);
    }
    if (this.state.t === "ended") return;
    const streamId = randomUUID();
    const acks = new AckSequencer({
      send: (offset) => this.send({ ingest_record_response: { durability_ack_up_to_offset: offset.toString() } }),
      gate: () => this.ctx.faults.ackGate(),
      onFailure: (err) => this.endWith(commitFailure(err, setup.table.name.fullName)),
    });
    this.state = { t: "open", stream: { ...setup, streamId, writer, nextOffset: 0n, acks, closing: false } };
    await this.send({ create_stream_response: { stream_id: streamId } });
    this.startLifetime();
  }

  private async ingest(stream: OpenStream, request: StreamRequest, bytes: number): Promise<void> {
    const fate = this.ctx.faults.onIngestRequest();
    if (fate === "drop") return;
    const body = request.payload === "ingest_record" ? request.ingest_record : request.ingest_record_batch;
    if (body == null || !Object.hasOwn(body, "offset_id")) {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `${request.payload ?? "request"}.offset_id is required`, ERROR_CODES.INVALID_REQUEST);
    }
    const offset = int64ToBigInt(body.offset_id) as bigint;
    if (offset !== stream.nextOffset) {
      throw refuse(GrpcStatus.OUT_OF_RANGE, `Expected offset_id ${stream.nextOffset} but got ${offset}: offsets must be contiguous from 0`, ERROR_CODES.OFFSET_OUT_OF_ORDER);
    }
    const records = recordsOf(request);
    if (records === undefined) throw refuse(GrpcStatus.INVALID_ARGUMENT, `${request.payload ?? "request"} at offset ${offset} carries no records`, ERROR_CODES.INVALID_REQUEST);
    const release = await this.admit(stream, offset, { bytes, records: records.count });
    let decoded: DecodedRequest;
    try {
      decoded = await this.decode(stream, request, records, offset);
    } catch (err) {
      release();
      throw err;
    }
    if (this.state.t === "ended") return release();
    stream.nextOffset += 1n;
    const txn = { appId: stream.streamId, version: offset };
    const durable =
      records.count === 0 ? Promise.resolve() :
      decoded.t === "columns" ? stream.writer.appendColumns(decoded.chunks, txn) :
      stream.writer.append(decoded.rows, txn, { validated: true });
    // The budget comes back once the rows are committed (or the commit failed): until then they are in memory.
    durable.then(release, release);
    const acked = stream.acks.track(offset, durable);
    if (fate === "process-then-cut") void acked.then(() => this.ctx.faults.cutNow());
  }

  // Waits for room in the call's, the table's and the service's in-flight budgets.
  private async admit(stream: OpenStream, offset: bigint, cost: { bytes: number; records: number }): Promise<Release> {
    const tooLarge = this.ctx.admission.refusal(cost);
    if (tooLarge !== undefined) {
      throw refuse(GrpcStatus.RESOURCE_EXHAUSTED, `Request at offset ${offset} is too large: ${tooLarge}; send smaller batches`, ERROR_CODES.RESOURCE_EXHAUSTED);
    }
    let paused = false;
    const release = await this.ctx.admission.admit(this.budget, stream.table.dir, cost, () => {
      paused = !this.call.isPaused();
      if (paused) this.call.pause();
    });
    if (paused && this.state.t !== "ended") this.call.resume();
    if (this.state.t === "ended") {
      release();
      throw refuse(GrpcStatus.CANCELLED, "The call ended", ERROR_CODES.UNAVAILABLE);
    }
    return release;
  }

  // Decodes and checks the records (see decodeRequest), refusing a bad one by its position.
  private async decode(stream: OpenStream, request: StreamRequest, records: RecordSource, offset: bigint): Promise<DecodedRequest> {
    const where = (i: number) => (request.payload === "ingest_record" ? `Record at offset ${offset}` : `Record ${i} of the batch at offset ${offset}`);
    try {
      return await decodeRequest(stream.format, stream.table.fields, records, () => this.state.t === "ended");
    } catch (err) {
      if (err instanceof InvalidRecordError) throw refuse(GrpcStatus.INVALID_ARGUMENT, `${where(err.recordIndex)} is invalid: ${err.reason}`, ERROR_CODES.INVALID_RECORD);
      if (err instanceof DeltaError && err.code === "ROW_INVALID") throw refuse(GrpcStatus.INVALID_ARGUMENT, `Invalid record at offset ${offset}: ${err.message}`, ERROR_CODES.INVALID_RECORD);
      throw err;
    }
  }
}

function recordsOf(request: StreamRequest): RecordSource | undefined {
  const single = request.ingest_record;
  if (request.payload === "ingest_record" && single != null) {
    if (Object.hasOwn(single, "proto_encoded_record")) return recordArraySource([single.proto_encoded_record as Uint8Array]);
    if (Object.hasOwn(single, "json_record")) return recordArraySource([single.json_record as string]);
    return undefined;
  }
  const batch = request.ingest_record_batch;
  if (batch?.wire_records != null) return batch.wire_records;
  if (batch?.proto_encoded_batch != null) return recordArraySource(batch.proto_encoded_batch.records ?? []);
  if (batch?.json_batch != null) return recordArraySource(batch.json_batch.records ?? []);
  return undefined;
}

/**
 * grpc-js hands messages to the call's Readable, which reads ahead up to its high-water mark (16
 * messages of up to 10 MiB each) even while paused. One message of read-ahead is enough: the rest
 * waits in the client, under HTTP/2 flow control.
 */
function limitReadAhead(call: Duplex): void {
  const state = (call as unknown as { _readableState?: { highWaterMark?: number } })._readableState;
  if (state !== undefined && typeof state.highWaterMark === "number") state.highWaterMark = 1;
}
