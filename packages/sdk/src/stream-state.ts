/**
 * The six stream states of the Python SDK (PROTOCOL.md §5.5) and the transitions allowed between them.
 * The engine moves only through {@link assertTransition}, so an impossible move is a bug that shows up
 * in tests instead of a stream in a confused state.
 */

/** Where a stream is in its life. Values match the Python SDK's `StreamState`. */
export enum StreamState {
  /** Created, not yet connected. */
  UNINITIALIZED = 0,
  /** Connected and accepting records. */
  OPENED = 1,
  /** A `flush()` is waiting for acknowledgments (ingestion continues meanwhile). */
  FLUSHING = 2,
  /** Closed by `close()`; every record was acknowledged. */
  CLOSED = 3,
  /** Reconnecting after a retriable failure; records are queued and replayed. */
  RECOVERING = 4,
  /** Stopped by an error; unacknowledged records are available from `getUnackedRecords()`. */
  FAILED = 5,
}

const S = StreamState;

/** Allowed moves: from → the states it may go to. */
const TRANSITIONS: Readonly<Record<StreamState, readonly StreamState[]>> = {
  [S.UNINITIALIZED]: [S.OPENED, S.FAILED, S.CLOSED],
  [S.OPENED]: [S.FLUSHING, S.RECOVERING, S.CLOSED, S.FAILED],
  [S.FLUSHING]: [S.OPENED, S.RECOVERING, S.CLOSED, S.FAILED],
  [S.RECOVERING]: [S.OPENED, S.FLUSHING, S.FAILED, S.CLOSED],
  [S.CLOSED]: [],
  [S.FAILED]: [],
};

/** Whether a stream in `state` has ended for good. */
export function isTerminal(state: StreamState): boolean {
  return state === S.CLOSED || state === S.FAILED;
}

/** Throws if `from → to` is not an allowed move; a move to the same state is a no-op. */
export function assertTransition(from: StreamState, to: StreamState): void {
  if (from !== to && !TRANSITIONS[from].includes(to)) {
    throw new Error(`Illegal stream state transition ${S[from]} -> ${S[to]}`);
  }
}
