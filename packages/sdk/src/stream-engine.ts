/**
 * The stream engine: owns the connection, the ledger of unacknowledged entries, backpressure, ack
 * bookkeeping, recovery and the pause that follows a `CloseStreamSignal`. The public `ZerobusStream` is a
 * thin facade over it that encodes records and checks arguments.
 *
 * Sending: records ingested while nothing is in flight go out as soon as the calling code yields (a
 * microtask: a lone record leaves at once, a synchronous burst as one request); otherwise the send waits one
 * event-loop turn, so the single records ingested meanwhile (a loop of ingest calls runs within one turn)
 * leave together as one batch request, bounded by `maxRecordsPerRequest` and `maxBytesPerRequest`. Every
 * record keeps its own logical offset and acknowledgment; a batch call is always its own request. How
 * entries become requests, and how acks map back to them, is the stream's {@link WireProtocol}: records
 * (`record-protocol.ts`) or Arrow Flight frames (`arrow/flight-protocol.ts`); everything here serves both.
 *
 * Invariant: every entry the engine accepted is, at any time, in the ledger (waiting or in flight), or
 * acknowledged (its ack resolved), or in the failed set (its ack rejected, returned by `getUnacked*`).
 * Nothing leaves the ledger any other way; that is what "never losing a record" rests on.
 */
import { RecordAcknowledgment } from "./acknowledgment.js";
import { createAckNotifier, type AckNotifier } from "./ack-callback.js";
import { connectWithRetries, type Connection, type ConnectOptions } from "./connection.js";
import { GrpcStatus, NonRetriableException, ZerobusException, toZerobusException } from "./errors.js";
import { InflightWindow } from "./inflight-window.js";
import { createStreamLogEvents, type StreamLogEvents } from "./logging/stream-log-events.js";
import { StreamMetrics } from "./metrics/stream-metrics.js";
import { OffsetWaiters } from "./offset-waiters.js";
import { PendingLedger, type LedgerEntry, type ReleasedEntryVisitor } from "./pending-ledger.js";
import { StreamState, assertTransition, isTerminal } from "./stream-state.js";
import { LackOfAckTimer } from "./lack-of-ack-timer.js";
import { RetryBudget } from "./retry-budget.js";
import { FramedBatch } from "./wire/framed-batch.js";
import { releaseRequestBuffer } from "./wire/request-buffers.js";
import type { StreamResponse } from "./wire/response-decoder.js";
import type { EntryPayload } from "./ledger-columns.js";
import type { AckResponse, EntrySender } from "./wire-protocol.js";
import type { EngineLimits, EngineOptions, StreamEngineConfig } from "./stream-engine-config.js";

export type { EngineLimits, EngineOptions, StreamEngineConfig } from "./stream-engine-config.js";
export { recordStreamLimits } from "./stream-engine-config.js";

/** What `ingest` gives back: at once when the window had room, else once it has. */
export type Admitted<T> = T | Promise<T>;

/** How long a graceful close waits for the server to end the call before cancelling it. */
const CLOSE_GRACE_MS = 2_000;

const closedError = (): NonRetriableException =>
  new NonRetriableException("Cannot ingest records after stream is closed or before it's opened.");

/** See the module comment. */
export class StreamEngine {
  readonly #config: StreamEngineConfig;
  readonly #options: EngineOptions;
  readonly #limits: EngineLimits;
  readonly #countsEntries: boolean;
  readonly #ledger = new PendingLedger();
  readonly #window: InflightWindow;
  readonly #waiters = new OffsetWaiters();
  readonly #notifier: AckNotifier;
  readonly #stopRetries = new AbortController();
  /** The stream's counters (`stream.metrics()`), fed below at O(1) per call and per ack. */
  readonly metrics = new StreamMetrics();
  readonly #events: StreamLogEvents;
  readonly #sender: EntrySender;
  readonly #ackTimer: LackOfAckTimer;
  readonly #budget: RetryBudget;
  /** When the current connection was installed, and whether an ack advanced on it since. */
  #installedAt = 0;
  #acked = false;
  #installs = 0;
  #state = StreamState.UNINITIALIZED;
  #connection: Connection | undefined;
  #streamId = "";
  #failed: LedgerEntry[] = [];
  #failedDurableRequests = 0;
  #lastError: ZerobusException | undefined;
  #flushes = 0;
  #closing: Promise<void> | undefined;
  #paused = false;
  #waitingForDrain = false;
  #pumpScheduled = false;
  #pauseTimer: ReturnType<typeof setTimeout> | undefined;
  #onGracefulEnd: ((connection: Connection) => void) | undefined;
  /** When the ack being applied arrived (read by {@link StreamEngine.#onReleased}). */
  #ackTime = 0;

  /** An engine that is not connected yet; call {@link StreamEngine.open}. */
  constructor(config: StreamEngineConfig) {
    this.#config = config;
    this.#options = config.options;
    this.#limits = config.limits;
    this.#countsEntries = config.limits.unit === "entries";
    this.#window = new InflightWindow(config.limits.maxInflight, config.limits.maxInflightBytes);
    this.#sender = config.protocol.createSender(this.#ledger);
    this.#ackTimer = new LackOfAckTimer(config.options.serverLackOfAckTimeoutMs);
    const attempts = config.options.recovery ? 1 + config.options.recoveryRetries : 1;
    this.#budget = new RetryBudget({ attempts, backoffMs: config.options.recoveryBackoffMs });
    this.#notifier = createAckNotifier(config.options.ackCallback);
    this.#events = createStreamLogEvents(config.options.logger, { table: config.tableName, streamId: () => this.#streamId });
  }

  /** The current state. */
  get state(): StreamState {
    return this.#state;
  }

  /** The server-assigned id of the current connection's stream. */
  get streamId(): string {
    return this.#streamId;
  }

  /** The error that failed the stream, or the last error recovered from. */
  get lastError(): ZerobusException | undefined {
    return this.#lastError;
  }

  /** Connects (with the retry policy); rejects if every attempt failed. */
  async open(): Promise<void> {
    try {
      this.#install(await this.#connect());
    } catch (err) {
      this.#setState(StreamState.FAILED);
      this.#lastError = toZerobusException(err, "Failed to create stream");
      this.metrics.onError(this.#lastError);
      this.#config.onEnded?.();
      throw this.#lastError;
    }
  }

  /**
   * Admits one entry, assigns its logical offset and queues it for sending. Synchronous when the in-flight
   * window has room (the common case); otherwise a promise that settles once it has. The result is the
   * logical offset, or with `withAck` the {@link RecordAcknowledgment} that `ingestRecord` returns.
   */
  ingest(payload: EntryPayload, recordCount: number, bytes: number, withAck: true): Admitted<RecordAcknowledgment>;
  ingest(payload: EntryPayload, recordCount: number, bytes: number, withAck: false): Admitted<number>;
  ingest(payload: EntryPayload, recordCount: number, bytes: number, withAck: boolean): Admitted<number | RecordAcknowledgment>;
  ingest(payload: EntryPayload, recordCount: number, bytes: number, withAck: boolean): Admitted<number | RecordAcknowledgment> {
    this.#assertAccepting();
    if (bytes > this.#limits.maxEntryBytes) throw new NonRetriableException(this.#limits.entryTooLarge(bytes));
    const units = this.#countsEntries ? 1 : recordCount;
    if (this.#window.tryAcquire(units, bytes)) return this.#admit(payload, recordCount, bytes, withAck);
    return this.#window.acquire(units, bytes).then(() => {
      if (this.#closing || isTerminal(this.#state)) {
        // Admitted after close() began: the close's flush does not cover it, so refuse it rather than drop it.
        this.#window.release(units, bytes);
        throw this.#lastError && this.#state === StreamState.FAILED ? this.#lastError : closedError();
      }
      return this.#admit(payload, recordCount, bytes, withAck);
    });
  }

  #admit(payload: EntryPayload, recordCount: number, bytes: number, withAck: boolean): number | RecordAcknowledgment {
    const offset = this.#ledger.nextOffset;
    const ack = withAck ? new RecordAcknowledgment(BigInt(offset)) : undefined;
    this.#ledger.add(payload, recordCount, bytes, ack, performance.now());
    this.metrics.onIngested(recordCount, bytes);
    this.#schedulePump();
    return ack ?? offset;
  }

  /** Waits until every entry up to logical `offset` is acknowledged. */
  async waitForOffset(offset: number, what = "Waiting for acknowledgement", signal?: AbortSignal): Promise<void> {
    const next = this.#ledger.nextOffset;
    if (offset >= next) {
      throw new NonRetriableException(`Offset ${offset} has not been assigned yet (next offset is ${next})`);
    }
    if (offset <= this.#waiters.acked) return;
    if (this.#state === StreamState.FAILED) throw this.#lastError;
    this.#flushes++;
    if (this.#state === StreamState.OPENED) this.#setState(StreamState.FLUSHING);
    try {
      await this.#waiters.waitFor(offset, this.#options.flushTimeoutMs, what, signal);
    } finally {
      this.#flushes--;
      if (this.#flushes === 0 && this.#state === StreamState.FLUSHING) this.#setState(StreamState.OPENED);
    }
  }

  /** Waits for every entry ingested so far. Entries ingested meanwhile are not waited for. */
  async flush(what = "Flush", signal?: AbortSignal): Promise<void> {
    if (this.#state === StreamState.FAILED) throw this.#lastError;
    const next = this.#ledger.nextOffset;
    if (this.#state === StreamState.CLOSED || next === 0) return;
    await this.waitForOffset(next - 1, what, signal);
  }

  /** Flushes, then ends the call. Idempotent; on a flush failure the stream fails and the error is thrown. */
  close(): Promise<void> {
    if (isTerminal(this.#state)) return Promise.resolve();
    this.#closing ??= this.#closeGracefully();
    return this.#closing;
  }

  /** Unacknowledged entries: the failed set once the stream has ended, else what is in the ledger now. */
  unackedEntries(): readonly LedgerEntry[] {
    return isTerminal(this.#state) ? this.#failed : this.#ledger.snapshot();
  }

  /** Requests of the oldest unacknowledged entry already acknowledged (frames of a partly acked Arrow batch). */
  durableRequestsOfOldest(): number {
    return isTerminal(this.#state) ? this.#failedDurableRequests : this.#ledger.durableRequestsOfOldest;
  }

  async #closeGracefully(): Promise<void> {
    try {
      await this.flush("Close (flush)");
    } catch (err) {
      this.#fail(toZerobusException(err, "Failed to close stream"));
      throw err;
    }
    if (isTerminal(this.#state)) return;
    this.#setState(StreamState.CLOSED);
    this.#events.closed(this.metrics.totals().recordsAcked);
    this.#config.onEnded?.();
    this.#stopRetries.abort();
    this.#window.close(closedError());
    const connection = this.#connection;
    this.#dropConnection(false);
    if (connection) await this.#endCall(connection);
  }

  /** Half-closes and waits (bounded) for the server to finish the call with its status. */
  #endCall(connection: Connection): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        connection.call.cancel();
        resolve();
      }, CLOSE_GRACE_MS);
      this.#onGracefulEnd = (ended) => {
        if (ended !== connection) return;
        clearTimeout(timer);
        resolve();
      };
      connection.call.end();
    });
  }

  #assertAccepting(): void {
    if (this.#state === StreamState.FAILED && this.#lastError) {
      throw new NonRetriableException(`Stream failed: ${this.#lastError.message}`, { cause: this.#lastError });
    }
    if (this.#closing || isTerminal(this.#state) || this.#state === StreamState.UNINITIALIZED) throw closedError();
  }

  #setState(next: StreamState): void {
    assertTransition(this.#state, next);
    this.#state = next;
  }

  #connect(): Promise<Connection> {
    const options: ConnectOptions = {
      channel: this.#config.channel,
      getHeaders: this.#config.getHeaders,
      protocol: this.#config.protocol,
      timeoutMs: this.#options.recoveryTimeoutMs,
      handlers: { response: (c, r) => this.#onResponse(c, r), closed: (c, e) => this.#onClosed(c, e) },
    };
    return connectWithRetries(options, {
      budget: this.#budget,
      signal: this.#stopRetries.signal,
      invalidateCredentials: this.#config.invalidateCredentials,
      onAttempt: (attempt, of) => this.#events.connecting(attempt, of),
      onAttemptFailed: (error, attempt, of, retryInMs) => this.#events.connectFailed(error, attempt, of, retryInMs),
    });
  }

  #install(connection: Connection): void {
    this.#connection = connection;
    this.#streamId = connection.streamId;
    this.#installedAt = performance.now();
    this.#acked = false;
    this.#setState(this.#flushes > 0 ? StreamState.FLUSHING : StreamState.OPENED);
    this.#events.opened(this.#installs++ > 0, this.#ledger.recordCount);
    // The call may have ended between its create response and now; that close was not ours to see yet.
    if (connection.closedWith) return this.#onClosed(connection, connection.closedWith);
    this.#pump();
  }

  /** Sends as soon as the caller yields if nothing is in flight; else once this event-loop turn is over. */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Idle: send once the calling code yields (a microtask, before any I/O), so a lone record leaves at once
    // and a synchronous burst of calls leaves as one request. Busy: wait for the end of this event-loop turn.
    if (this.#ledger.unackedRequests === 0 && !this.#waitingForDrain) queueMicrotask(this.#scheduledPump);
    else setImmediate(this.#scheduledPump);
  }

  readonly #scheduledPump = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };

  /** Sends every unsent entry until the transport asks us to wait. */
  #pump(): void {
    const connection = this.#connection;
    if (!connection || this.#paused || this.#waitingForDrain) return;
    while (this.#ledger.unsentCount > 0) {
      let more: boolean;
      try {
        more = this.#sender.sendNext(connection.call);
      } catch (err) {
        // A request that cannot be made now never can (e.g. its memory was detached): retrying would loop.
        return this.#fail(err instanceof ZerobusException && !err.retriable ? err : new NonRetriableException(`Failed to send a request: ${(err as Error).message}`, { cause: err }));
      }
      if (!more) {
        this.#waitingForDrain = true;
        connection.call.onDrain(() => {
          if (connection !== this.#connection) return;
          this.#waitingForDrain = false;
          this.#pump();
        });
        break;
      }
    }
    this.#armAckTimer();
  }

  #onResponse(connection: Connection, response: StreamResponse): void {
    if (connection !== this.#connection) return;
    switch (response.kind) {
      case "ack":
        return this.#onAck(connection, response);
      case "rowsAck":
        this.#onAck(connection, response);
        if (response.closeAfterMs !== undefined) this.#onCloseSignal(connection, response.closeAfterMs);
        return;
      case "ignored":
        return;
      case "closeSignal":
        return this.#onCloseSignal(connection, response.durationMs);
      case "createStream":
        return this.#protocolError(connection, "a second create-stream response");
      case "invalid":
        return this.#protocolError(connection, response.reason);
    }
  }

  #onAck(connection: Connection, ack: AckResponse): void {
    if (connection !== this.#connection) return;
    let range;
    try {
      const upTo = this.#sender.ackedRequest(ack);
      if (upTo === undefined) return;
      this.#ackTime = performance.now();
      range = this.#ledger.acknowledge(upTo, this.#onReleased);
    } catch (err) {
      if (err instanceof ZerobusException) return this.#onClosed(connection, err);
      return this.#protocolError(connection, (err as Error).message);
    }
    // A stale or repeated ack changes nothing, not even the ack timer; nor does one that completes only some
    // frames of an Arrow batch (the batch's deadline runs from when it was sent, ARROW-FLIGHT.md §3).
    if (!range) return;
    if (!this.#acked) {
      this.#acked = true;
      this.#budget.progress();
    }
    this.#window.release(this.#countsEntries ? range.lastOffset - range.firstOffset + 1 : range.records, range.bytes);
    this.#waiters.advance(range.lastOffset);
    this.#notifier.acked(range.firstOffset, range.lastOffset);
    this.#ackTimer.progress(this.#ledger.unackedRequests > 0);
    if (this.#paused && this.#ledger.unackedRequests === 0) this.#rotate(connection);
  }

  readonly #onReleased: ReleasedEntryVisitor = (payload, ack, recordCount, bytes, ingestedAt) => {
    if (payload instanceof FramedBatch) releaseRequestBuffer(payload.memory);
    ack?._resolve();
    this.metrics.onAcked(recordCount, bytes, this.#ackTime - ingestedAt);
  };

  #protocolError(connection: Connection, what: string): void {
    const error = new ZerobusException(`Unexpected response from server: ${what}`, { grpcCode: GrpcStatus.INTERNAL });
    this.#onClosed(connection, error);
  }

  /** The server will end this stream: stop sending, keep taking acks, then move to a new connection. */
  #onCloseSignal(connection: Connection, durationMs: number): void {
    if (!this.#options.recovery || this.#paused) return;
    const cap = this.#options.streamPausedMaxWaitTimeMs;
    const untilClose = Math.max(0, durationMs - this.#config.protocol.closeLeadMs);
    const waitMs = cap === undefined ? untilClose : Math.min(cap, untilClose);
    this.#events.closeSignal(durationMs, waitMs);
    if (waitMs === 0 || this.#ledger.unackedRequests === 0) return this.#rotate(connection);
    this.#paused = true;
    this.#ackTimer.stop();
    this.#pauseTimer = setTimeout(() => this.#rotate(connection), waitMs);
  }

  /** Leaves a connection that is fine but ending, and reconnects; what is unacknowledged is resent. */
  #rotate(connection: Connection): void {
    if (connection !== this.#connection) return;
    this.#dropConnection(true);
    this.#recover(undefined);
  }

  #onClosed(connection: Connection, error: ZerobusException): void {
    if (connection !== this.#connection) {
      this.#onGracefulEnd?.(connection);
      return;
    }
    this.#dropConnection(true);
    if (!this.#options.recovery || !error.retriable) return this.#fail(error);
    // A connection that never proved itself (no ack, and not up for recoveryTimeoutMs) was a failed attempt.
    if (this.#acked || performance.now() - this.#installedAt >= this.#options.recoveryTimeoutMs) this.#budget.progress();
    else this.#budget.fail(error);
    this.#recover(error);
  }

  #recover(cause: ZerobusException | undefined): void {
    if (isTerminal(this.#state)) return;
    if (cause) this.#lastError = cause;
    this.metrics.onRecovery(cause);
    this.#events.recovering(cause, this.#ledger.recordCount);
    this.#setState(StreamState.RECOVERING);
    this.#ledger.rewind();
    this.#sender.rewind();
    this.#connect().then(
      (connection) => {
        if (isTerminal(this.#state)) return connection.call.cancel();
        this.#install(connection);
      },
      (err: unknown) => this.#fail(toZerobusException(err, "Stream recovery failed")),
    );
  }

  /** Ends the stream for good: every entry not acknowledged is rejected and kept for `getUnacked*`. */
  #fail(error: ZerobusException): void {
    if (isTerminal(this.#state)) return;
    this.#setState(StreamState.FAILED);
    this.#lastError = error;
    this.#stopRetries.abort();
    this.#dropConnection(true);
    this.#failedDurableRequests = this.#ledger.durableRequestsOfOldest;
    const entries = this.#ledger.takeAll();
    this.#failed = entries;
    this.#window.close(error);
    this.metrics.onError(error);
    let records = 0;
    for (const entry of entries) {
      entry.ack?._reject(error);
      this.#notifier.failed(entry.offset, error.message);
      this.metrics.onFailed(entry.recordCount, entry.bytes);
      records += entry.recordCount;
    }
    this.#waiters.fail(error);
    this.#events.failed(error, records);
    this.#config.onEnded?.();
  }

  #dropConnection(cancel: boolean): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#paused = false;
    this.#waitingForDrain = false;
    this.#ackTimer.stop();
    clearTimeout(this.#pauseTimer);
    if (cancel) connection?.call.cancel();
  }

  /** The lack-of-ack timer runs only while requests are in flight and the stream is not paused. */
  #armAckTimer(): void {
    const connection = this.#connection;
    if (this.#paused || !connection || this.#ledger.unackedRequests === 0) return;
    this.#ackTimer.arm(() => {
      if (connection !== this.#connection || this.#paused || this.#ledger.unackedRequests === 0) return;
      const ms = this.#options.serverLackOfAckTimeoutMs;
      this.#onClosed(connection, new ZerobusException(`Server ack timeout: no acknowledgment for ${ms} ms`, { grpcCode: GrpcStatus.DEADLINE_EXCEEDED }));
    });
  }
}
