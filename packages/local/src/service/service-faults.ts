/**
 * Fault injection for tests of clients: the switches a test flips on a running local service to make
 * streams fail, acks lag or stop, connections drop, or the server announce a close — the situations an
 * SDK's recovery code exists for.
 */
import type { status as GrpcStatus } from "@grpc/grpc-js";
import { callStatus, ERROR_CODES, type CallStatus } from "./zerobus-status.js";

/** The fault switches a `LocalService` exposes. Every switch affects all streams of the service. */
export interface ServiceFaults {
  /** The next EphemeralStream call ends at once (after its headers) with this status code and message. */
  failNextStream(code: GrpcStatus, message?: string): void;
  /** Hold every ack for `ms` after its records are committed (0 turns the delay off). */
  delayAcks(ms: number): void;
  /** Withhold acks (records are still committed) until `resumeAcks()`. */
  stallAcks(): void;
  /** Release withheld acks and turn off any ack delay. */
  resumeAcks(): void;
  /**
   * After `requests` more ingest requests (counted over all streams), drop every connection: those
   * requests are committed and acked first; requests arriving after them are dropped unprocessed, and
   * then every HTTP/2 connection of the gRPC port is destroyed. Fires once.
   */
  cutConnectionsAfter(requests: number): void;
  /**
   * Sends every open stream a CloseStreamSignal announcing `durationMs`, keeps acking during that window,
   * then ends each call with UNAVAILABLE (Error Code 6002), as the real service does at a stream's lifetime.
   */
  sendCloseSignalNow(durationMs: number): void;
}

/** What the fault state decides for one incoming ingest request. */
export type RequestFate = "process" | "process-then-cut" | "drop";

/** The fault state behind `ServiceFaults`, with the hooks the stream handlers consult. */
export class FaultState implements ServiceFaults {
  /** Set by the service: destroys every gRPC connection. */
  cutConnections: () => void = () => {};
  /** Set by the service: announces a close to every open stream. */
  announceClose: (durationMs: number) => void = () => {};

  private pendingFailure: CallStatus | undefined;
  private ackDelayMs = 0;
  private stall: { promise: Promise<void>; release: () => void } | undefined;
  private requestsUntilCut: number | undefined;
  private cutting = false;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  failNextStream(code: GrpcStatus, message = "Injected failure"): void {
    this.pendingFailure = callStatus(code, message, ERROR_CODES.UNAVAILABLE);
  }

  delayAcks(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delayAcks: ms must be a non-negative number, got ${ms}`);
    this.ackDelayMs = ms;
  }

  stallAcks(): void {
    if (this.stall !== undefined) return;
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.stall = { promise, release };
  }

  resumeAcks(): void {
    this.ackDelayMs = 0;
    const stall = this.stall;
    this.stall = undefined;
    stall?.release();
  }

  cutConnectionsAfter(requests: number): void {
    if (!Number.isInteger(requests) || requests < 0) throw new RangeError(`cutConnectionsAfter: requests must be a non-negative integer, got ${requests}`);
    this.cutting = false;
    if (requests === 0) {
      this.cutConnections();
      return;
    }
    this.requestsUntilCut = requests;
  }

  sendCloseSignalNow(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`sendCloseSignalNow: durationMs must be a non-negative number, got ${durationMs}`);
    this.announceClose(durationMs);
  }

  /** Takes the injected failure for a new stream, if any (one-shot). */
  takeStreamFailure(): CallStatus | undefined {
    const failure = this.pendingFailure;
    this.pendingFailure = undefined;
    return failure;
  }

  /** Counts one ingest request and says what to do with it. */
  onIngestRequest(): RequestFate {
    if (this.cutting) return "drop";
    if (this.requestsUntilCut === undefined) return "process";
    this.requestsUntilCut -= 1;
    if (this.requestsUntilCut > 0) return "process";
    this.requestsUntilCut = undefined;
    this.cutting = true;
    return "process-then-cut";
  }

  /** Called once the last request before a cut is acked: cuts, then lets requests through again. */
  cutNow(): void {
    this.cutConnections();
    this.cutting = false;
  }

  /**
   * What an ack must wait for before it is sent: nothing (`undefined`, the fast path), the configured
   * delay, or the end of a stall.
   */
  ackGate(): Promise<void> | undefined {
    if (this.stall !== undefined) return this.stall.promise;
    if (this.ackDelayMs === 0) return undefined;
    return new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => {
        this.timers.delete(entry);
        resolve();
      }, this.ackDelayMs), resolve };
      this.timers.add(entry);
    });
  }

  /** Clears every timer and releases every wait, so a closing service leaves nothing pending. */
  close(): void {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
    this.resumeAcks();
  }
}
