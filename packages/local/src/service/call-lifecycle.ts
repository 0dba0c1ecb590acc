/**
 * The life of one call on the gRPC port, whichever protocol it speaks (an EphemeralStream record stream
 * or an Arrow Flight DoPut): headers out, the call registered, its requests handled strictly one after
 * another, timers that run in that same order, a half-close that waits for the acks, and one end after
 * which nothing more is sent. Each protocol's own checks and decoding live in its subclass.
 */
import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";
import type { TokenAuthority } from "../auth/token-authority.js";
import type { TableStore } from "../catalog/table-store.js";
import type { AckSequencer } from "./ack-sequencer.js";
import type { AdmissionControl } from "./admission-control.js";
import { isUnsupportedFeature, unsupportedTable } from "./call-failures.js";
import type { ServiceCall } from "./service-call.js";
import type { FaultState } from "./service-faults.js";
import type { TableWriters } from "./table-writers.js";
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

/** What the lifecycle needs of an open stream: its id, its acks, and whether a close was announced. */
export interface OpenCall {
  streamId: string;
  acks: AckSequencer;
  closing: boolean;
}

/**
 * One call's lifecycle, generic over the messages it reads (`Req`) and writes (`Res`) and over its open
 * stream (`Open`). Subclasses keep their own state and tell the lifecycle about it through the hooks.
 */
export abstract class CallLifecycle<Req, Res, Open extends OpenCall> implements ServiceCall {
  // Requests (and timers) are handled strictly one after another: opening a stream is asynchronous.
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    protected readonly call: ServerDuplexStream<Req, Res>,
    protected readonly ctx: IngestContext,
  ) {}

  /** The table the call writes, once known. */
  abstract get tableName(): string | undefined;

  /** Checks the call's headers and records what they name; throws to refuse the call. */
  protected abstract authorize(): void;
  /** Starts reading the call's messages (each handled through `enqueue`). */
  protected abstract listen(): void;
  /** The open stream, if the call has one and has not ended. */
  protected abstract openStream(): Open | undefined;
  /** True once the call has ended. */
  protected abstract isEnded(): boolean;
  /** Moves the call's state to ended. */
  protected abstract markEnded(): void;
  /** The message that asks the client to close within `durationMs`. */
  protected abstract closeSignal(open: Open, durationMs: number): Res;

  /** Starts the call: headers out at once (clients wait for them before sending), then the checks. */
  start(): void {
    this.call.sendMetadata(new Metadata());
    this.ctx.calls.add(this);
    this.call.on("cancelled", () => this.finish());
    this.call.on("error", () => this.finish());
    const failure = this.ctx.faults.takeStreamFailure();
    if (failure !== undefined) return this.end(failure);
    try {
      this.authorize();
    } catch (err) {
      return this.endWith(err);
    }
    this.listen();
    this.call.on("end", () => this.enqueue(() => this.onHalfClose()));
  }

  /**
   * Announces that the server will close this stream: sends the close signal, keeps acking for
   * `durationMs`, then ends the call with UNAVAILABLE (Error Code 6002) once its acks are out.
   */
  announceClose(durationMs: number): void {
    const open = this.openStream();
    if (open === undefined || open.closing) return;
    open.closing = true;
    void this.send(this.closeSignal(open, durationMs));
    this.after(durationMs, async () => {
      await open.acks.drain();
      this.end(callStatus(GrpcStatus.UNAVAILABLE, `Stream timeout reached. Closing the stream (ID: ${open.streamId})`, ERROR_CODES.STREAM_LIFETIME));
    });
  }

  /** Ends the call with `status` (no-op once ended). */
  end(status: CallStatus): void {
    if (this.isEnded()) return;
    this.finish();
    if (status.code === GrpcStatus.OK) this.call.end();
    else this.call.emit("error", { code: status.code, details: status.details, metadata: status.metadata });
  }

  /** Queues `step` behind the call's earlier requests; a throw ends the call. */
  protected enqueue(step: () => void | Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => this.refuseAfterAcks(err));
  }

  /** Once a stream opens: schedules the lifetime close, if the service sets a stream lifetime. */
  protected startLifetime(): void {
    if (this.ctx.streamLifetimeMs !== undefined) this.after(this.ctx.streamLifetimeMs, () => this.announceClose(this.ctx.closeSignalDurationMs));
  }

  /** Writes `response` unless the call has ended. */
  protected send(response: Res): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.isEnded()) return resolve();
      this.call.write(response, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /** Ends the call with the status `err` carries, or INTERNAL. */
  protected endWith(err: unknown): void {
    if (err instanceof CallStatusError) return this.end(err.status);
    if (isUnsupportedFeature(err)) return this.end(unsupportedTable(err, this.tableName).status);
    this.end(callStatus(GrpcStatus.INTERNAL, `Internal error: ${(err as Error)?.message ?? String(err)}`, ERROR_CODES.INTERNAL));
  }

  /**
   * Ends the call for a refused request, but only after the requests accepted before it are acked: their
   * rows are committed, and a committed row the client never saw acked would be sent again.
   */
  private async refuseAfterAcks(err: unknown): Promise<void> {
    const open = this.openStream();
    if (open !== undefined && err instanceof CallStatusError) await open.acks.drain();
    this.endWith(err);
  }

  private async onHalfClose(): Promise<void> {
    // The client is done sending: finish its outstanding commits and acks, then end with OK.
    const open = this.openStream();
    if (open !== undefined) await open.acks.drain();
    this.end({ code: GrpcStatus.OK, details: "OK" });
  }

  // Timers run through the queue, so they never interleave with a request being handled.
  private after(ms: number, run: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(run);
    }, ms);
    this.timers.add(timer);
  }

  /** Releases the call's resources; after this nothing more is sent. */
  private finish(): void {
    this.openStream()?.acks.close();
    this.markEnded();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ctx.calls.delete(this);
  }
}
