/**
 * The `ackCallback` stream option: told about acknowledgments as they arrive, in logical offsets.
 */

/** What a function-style ack callback receives: the Python SDK's `IngestRecordResponse` shape. */
export interface AckInfo {
  /** Every record or batch with a logical offset up to and including this one is durable. */
  readonly durabilityAckUpToOffset: bigint;
}

/**
 * An ack callback: either a function called once per server acknowledgment (Python's pure SDK style), or an
 * object whose `onAck(offset)` is called for each acknowledged record or batch and `onError(offset, message)`
 * for each one that failed for good (the Rust-backed Python SDK's `AckCallback`). Snake-case method names
 * (`on_ack`, `on_error`) work too. Exceptions thrown by a callback are caught and ignored: a callback can
 * never break the stream.
 */
export type AckCallback =
  | ((info: AckInfo) => void)
  | {
      onAck?(offset: bigint): void;
      onError?(offset: bigint, message: string): void;
      on_ack?(offset: bigint): void;
      on_error?(offset: bigint, message: string): void;
    };

/** The two notifications the stream engine makes, whatever shape the user's callback has. */
export interface AckNotifier {
  /** Per server ack: everything up to `offset` is durable; `first` is the first offset this ack covers. */
  acked(first: number, last: number): void;
  /** Per record or batch that failed for good. */
  failed(offset: number, message: string): void;
}

const NOOP: AckNotifier = { acked() {}, failed() {} };

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A user callback must not break ack processing.
  }
}

/** Adapts the user's callback to the engine's two notifications. */
export function createAckNotifier(callback: AckCallback | undefined): AckNotifier {
  if (!callback) return NOOP;
  if (typeof callback === "function") {
    return {
      acked: (_first, last) => safely(() => callback({ durabilityAckUpToOffset: BigInt(last) })),
      failed() {},
    };
  }
  const onAck = callback.onAck?.bind(callback) ?? callback.on_ack?.bind(callback);
  const onError = callback.onError?.bind(callback) ?? callback.on_error?.bind(callback);
  return {
    acked(first, last) {
      if (!onAck) return;
      for (let o = first; o <= last; o++) safely(() => onAck(BigInt(o)));
    },
    failed(offset, message) {
      if (onError) safely(() => onError(BigInt(offset), message));
    },
  };
}
