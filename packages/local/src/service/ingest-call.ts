/**
 * One EphemeralStream call, from its headers to its status (PROTOCOL.md §12): handshake, then ingest
 * requests checked, decoded and appended in offset order, with cumulative acks sent only once the rows
 * are committed to the Delta table.
 */
import { randomUUID } from "node:crypto";
import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";
import type { TokenAuthority } from "../auth/token-authority.js";
import type { TableName } from "../catalog/table-name.js";
import type { TableStore } from "../catalog/table-store.js";
import { DeltaError, type DeltaTableWriter } from "../delta/index.js";
import { InvalidRecordError } from "../records/decode-records.js";
import type { AdmissionControl, Release } from "./admission-control.js";
import { decodeRequest, type DecodedRequest } from "./decode-request.js";
import type { InflightBudget } from "./inflight-budget.js";
import { recordArraySource, type RecordSource } from "./wire-record-batch.js";
import { AckSequencer } from "./ack-sequencer.js";
import type { ServiceCall } from "./service-call.js";
import type { FaultState } from "./service-faults.js";
import { authorizeCall, setUpStream, type StreamSetup } from "./stream-handshake.js";
import type { TableWriters } from "./table-writers.js";
import { int64ToBigInt, MAX_MESSAGE_BYTES, type IncomingRequest, type StreamRequest, type StreamResponse } from "./wire-types.js";
import { callStatus, CallStatusError, ERROR_CODES, GrpcStatus, type CallStatus } from "./zerobus-status.js";

/** What every call shares: the service's parts and settings. */
export interface IngestContext {
  authority: TokenAuthority;
  noAuth: boolean;
  store: TableStore;
  writers: TableWriters;
  faults: FaultState;
  /** Announce a close this long after a stream opens; `undefined` for no limit. */
  streamLifetimeMs: number | undefined;
  /** The duration a lifetime CloseStreamSignal announces. */
  closeSignalDurationMs: number;
  /** The calls in progress, record streams and Arrow Flight DoPuts (each call adds and removes itself). */
  calls: Set<ServiceCall>;
  /** The in-flight budgets every request is admitted against. */
  admission: AdmissionControl;
}

/** Requests a call queues before it stops reading (one being handled, one waiting). */
const MAX_QUEUED_REQUESTS = 1;

type Duplex = ServerDuplexStream<IncomingRequest, StreamResponse>;

interface OpenStream extends StreamSetup {
  streamId: string;
  writer: DeltaTableWriter;
  nextOffset: bigint;
  acks: AckSequencer;
  closing: boolean;
}

type CallState = { t: "awaiting-create"; headerTable: TableName | undefined } | { t: "open"; stream: OpenStream } | { t: "ended" };

/** Handles one EphemeralStream call. */
export class IngestCall implements ServiceCall {
  private state: CallState = { t: "awaiting-create", headerTable: undefined };
  // Requests are handled strictly one after another (create_stream is asynchronous).
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly budget: InflightBudget;
  // Requests received and not yet being handled.
  private queued = 0;

  constructor(
    private readonly call: Duplex,
    private readonly ctx: IngestContext,
  ) {
    this.budget = ctx.admission.callBudget();
  }

  /** Starts the call: headers out at once (clients wait for them before sending), then the checks. */
  start(): void {
    this.call.sendMetadata(new Metadata());
    this.ctx.calls.add(this);
    this.call.on("cancelled", () => this.finish());
    this.call.on("error", () => this.finish());
    const failure = this.ctx.faults.takeStreamFailure();
    if (failure !== undefined) return this.end(failure);
    try {
      this.state = { t: "awaiting-create", headerTable: authorizeCall(this.call.metadata, this.ctx.authority, this.ctx.noAuth) };
    } catch (err) {
      return this.endWith(err);
    }
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
    this.call.on("end", () => this.enqueue(() => this.onHalfClose()));
  }

  /** The table this call streams into, once open. */
  get tableName(): string | undefined {
    return this.state.t === "open" ? this.state.stream.table.name.fullName : undefined;
  }

  /**
   * Announces that the server will close this stream: sends CloseStreamSignal, keeps acking for
   * `durationMs`, then ends the call with UNAVAILABLE (Error Code 6002) once its acks are out.
   */
  announceClose(durationMs: number): void {
    if (this.state.t !== "open" || this.state.stream.closing) return;
    const stream = this.state.stream;
    stream.closing = true;
    const seconds = Math.floor(durationMs / 1000);
    void this.send({ close_stream_signal: { duration: { seconds: String(seconds), nanos: Math.round((durationMs - seconds * 1000) * 1e6) } } });
    this.after(durationMs, async () => {
      await stream.acks.drain();
      this.end(callStatus(GrpcStatus.UNAVAILABLE, `Stream timeout reached. Closing the stream (ID: ${stream.streamId})`, ERROR_CODES.STREAM_LIFETIME));
    });
  }

  /** Ends the call with `status` (no-op once ended). */
  end(status: CallStatus): void {
    if (this.state.t === "ended") return;
    this.finish();
    if (status.code === GrpcStatus.OK) this.call.end();
    else this.call.emit("error", { code: status.code, details: status.details, metadata: status.metadata });
  }

  private enqueue(step: () => void | Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => this.refuseAfterAcks(err));
  }

  /**
   * Ends the call for a refused request, but only after the requests accepted before it are acked: their
   * rows are committed, and a committed row the client never saw acked would be sent again.
   */
  private async refuseAfterAcks(err: unknown): Promise<void> {
    if (this.state.t === "open" && err instanceof CallStatusError) await this.state.stream.acks.drain();
    this.endWith(err);
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
    if (this.ctx.streamLifetimeMs !== undefined) {
      this.after(this.ctx.streamLifetimeMs, () => this.announceClose(this.ctx.closeSignalDurationMs));
    }
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

  private async onHalfClose(): Promise<void> {
    // The client is done sending: finish its outstanding commits and acks, then end with OK.
    if (this.state.t === "open") await this.state.stream.acks.drain();
    this.end({ code: GrpcStatus.OK, details: "OK" });
  }

  private send(response: StreamResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.state.t === "ended") return resolve();
      this.call.write(response, (err?: Error | null) => (err ? reject(err) : resolve()));
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

  /** Releases the call's resources; after this nothing more is sent. */
  private finish(): void {
    if (this.state.t === "open") this.state.stream.acks.close();
    this.state = { t: "ended" };
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ctx.calls.delete(this);
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

/** The status a failed commit ends a stream with (shared with Arrow Flight calls). */
export function commitFailure(err: unknown, table: string): CallStatusError {
  if (err instanceof CallStatusError) return err;
  if (err instanceof DeltaError && err.code === "WRITER_CLOSED") {
    return refuse(GrpcStatus.UNAVAILABLE, `Table '${table}' is closing: ${err.message}`, ERROR_CODES.UNAVAILABLE);
  }
  if (err instanceof DeltaError && err.code === "ROW_INVALID") return refuse(GrpcStatus.INVALID_ARGUMENT, err.message, ERROR_CODES.INVALID_RECORD);
  if (isUnsupportedFeature(err)) return unsupportedTable(err, table);
  return refuse(GrpcStatus.INTERNAL, `Failed to commit to table '${table}': ${(err as Error)?.message ?? String(err)}`, ERROR_CODES.INTERNAL);
}

export function isUnsupportedFeature(err: unknown): err is DeltaError {
  return err instanceof DeltaError && err.code === "UNSUPPORTED_FEATURE";
}

// Not retriable (INVALID_ARGUMENT): the SDKs retry FAILED_PRECONDITION and INTERNAL, and no retry
// can make this service support a table feature.
export function unsupportedTable(err: DeltaError, table: string | undefined): CallStatusError {
  const name = table === undefined ? "The table" : `Table '${table}'`;
  return refuse(GrpcStatus.INVALID_ARGUMENT, `${name} cannot be written by this service: ${err.message}`, ERROR_CODES.UNSUPPORTED_TABLE_FEATURE);
}

function refuse(code: GrpcStatus, text: string, errorCode: number): CallStatusError {
  return new CallStatusError(callStatus(code, text, errorCode));
}
