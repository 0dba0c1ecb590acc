/**
 * The events a stream logs, in one place: their level, message and fields. The engine calls these at the
 * few moments an operator cares about — never per record — so logging costs nothing on the ingest path.
 *
 * | Event (`event` field)          | Level | When |
 * |--------------------------------|-------|------|
 * | `zerobus.stream.connecting`     | debug | before each connection attempt |
 * | `zerobus.stream.connect_failed` | warn  | a connection attempt failed (with the backoff before the next one, if any) |
 * | `zerobus.stream.opened`         | info  | the server answered `create_stream` (first time, or after recovery with what is resent) |
 * | `zerobus.stream.close_signal`   | info  | the server announced it will close the stream |
 * | `zerobus.stream.recovering`     | warn  | the connection was lost with a retriable error; reconnecting (info for a planned rotation) |
 * | `zerobus.stream.closed`         | info  | `close()` finished: everything was acknowledged |
 * | `zerobus.stream.failed`         | error | the stream failed for good, with the records left unacknowledged |
 * | `zerobus.stream.callback_failed`| warn  | a user callback (`ackCallback`) threw; the stream carries on |
 *
 * Every event carries `event`, `table` and `streamId`; errors go in `err` (the key pino serializes) with
 * their gRPC code in `grpcCode`.
 */
import type { Log, LogFields } from "./log.js";

/** What every event of one stream is tagged with. */
export interface StreamLogContext {
  /** The table the stream writes to. */
  readonly table: string;
  /** The current server-assigned stream id (it changes on reconnect), or `""` before the first. */
  streamId(): string;
}

/** The stream events; see the module comment for levels and fields. */
export interface StreamLogEvents {
  /** Before connection attempt `attempt` (1-based) of `attempts`. */
  connecting(attempt: number, attempts: number): void;
  /** Attempt `attempt` failed; `retryInMs` is the pause before the next one, `undefined` if none is left. */
  connectFailed(error: Error, attempt: number, attempts: number, retryInMs: number | undefined): void;
  /** The stream is open; `resentRecords` > 0 (or `recovered`) after a reconnect that replays records. */
  opened(recovered: boolean, resentRecords: number): void;
  /** The server will close the stream in `durationMs`; the client pauses up to `waitMs`, then reconnects. */
  closeSignal(durationMs: number, waitMs: number): void;
  /** Reconnecting; `error` is why (`undefined` for a planned rotation after a close signal). */
  recovering(error: Error | undefined, unackedRecords: number): void;
  /** `close()` completed. */
  closed(ackedRecords?: number): void;
  /** The stream failed for good; `unackedRecords` are available from `getUnackedRecords()`. */
  failed(error: Error, unackedRecords: number): void;
  /** A user callback threw (its error is otherwise swallowed). */
  callbackFailed(callback: string, error: unknown): void;
}

const grpcCodeOf = (error: unknown): number | undefined => {
  const code = (error as { grpcCode?: unknown } | null)?.grpcCode;
  return typeof code === "number" ? code : undefined;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const NOOP_EVENTS: StreamLogEvents = Object.freeze({
  connecting() {},
  connectFailed() {},
  opened() {},
  closeSignal() {},
  recovering() {},
  closed() {},
  failed() {},
  callbackFailed() {},
});

/** The events of one stream, written to `log`; free when the log is silent. */
export function createStreamLogEvents(log: Log, context: StreamLogContext): StreamLogEvents {
  if (!log.enabled) return NOOP_EVENTS;
  const fields = (event: string, extra: LogFields): LogFields => ({
    event: `zerobus.stream.${event}`,
    table: context.table,
    streamId: context.streamId(),
    ...extra,
  });
  const errorFields = (error: unknown): LogFields => ({ err: error, grpcCode: grpcCodeOf(error) });
  return {
    connecting(attempt, attempts) {
      if (log.isEnabled("debug")) log.debug(`connecting (attempt ${attempt} of ${attempts})`, fields("connecting", { attempt, attempts }));
    },
    connectFailed(error, attempt, attempts, retryInMs) {
      const next = retryInMs === undefined ? "no attempts left" : `retrying in ${retryInMs} ms`;
      log.warn(`connection attempt ${attempt} of ${attempts} failed: ${messageOf(error)}; ${next}`, fields("connect_failed", { attempt, attempts, retryInMs, ...errorFields(error) }));
    },
    opened(recovered, resentRecords) {
      const message = recovered ? `stream recovered; resending ${resentRecords} unacknowledged records` : "stream opened";
      log.info(message, fields("opened", { recovered, resentRecords }));
    },
    closeSignal(durationMs, waitMs) {
      log.info(`server will close the stream in ${durationMs} ms; draining acknowledgments for up to ${waitMs} ms, then reconnecting`, fields("close_signal", { durationMs, waitMs }));
    },
    recovering(error, unackedRecords) {
      if (error === undefined) {
        log.info(`moving to a new connection with ${unackedRecords} unacknowledged records`, fields("recovering", { planned: true, unackedRecords }));
      } else {
        log.warn(`connection lost: ${messageOf(error)}; reconnecting with ${unackedRecords} unacknowledged records`, fields("recovering", { planned: false, unackedRecords, ...errorFields(error) }));
      }
    },
    closed(ackedRecords) {
      log.info("stream closed", fields("closed", ackedRecords === undefined ? {} : { ackedRecords }));
    },
    failed(error, unackedRecords) {
      log.error(`stream failed: ${messageOf(error)}; ${unackedRecords} records not acknowledged (see getUnackedRecords)`, fields("failed", { unackedRecords, ...errorFields(error) }));
    },
    callbackFailed(callback, error) {
      log.warn(`${callback} threw: ${messageOf(error)} (ignored)`, fields("callback_failed", { callback, ...errorFields(error) }));
    },
  };
}
