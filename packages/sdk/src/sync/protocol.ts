/**
 * What the blocking client's two threads say to each other, and the shared memory they both read.
 *
 * The caller's thread posts messages to the worker; only calls (messages with an `id`) get a reply, so
 * ingesting never waits for the worker. Progress the caller may block on (acknowledged offsets, failure,
 * replies) is signalled through shared memory: the worker updates a cell, then bumps and notifies the
 * control sequence number that the caller sleeps on with `Atomics.wait`.
 */
import { NonRetriableException, ZerobusException } from "../errors.js";

/** Control cells (Int32), one set per worker. */
export const CONTROL = Object.freeze({
  /** Bumped (and notified) after every change the caller may be waiting for. */
  SEQ: 0,
  /** 1 once the worker thread has died; the reason is posted as a `{ dead }` message. */
  DEAD: 1,
  /** Number of Int32 cells. */
  LENGTH: 2,
});

/**
 * Per-stream cells: a BigInt64 acknowledged-offset cell at byte 0 (-1 before the first ack), then Int32
 * cells from byte 8.
 */
export const STREAM_CELLS = Object.freeze({
  /** Bytes of a stream's shared buffer. */
  BYTES: 16,
  /** Int32 index (in the view starting at byte 8) of the failed flag: 1 once the stream failed for good. */
  FAILED: 0,
});

/** The views a thread keeps on a stream's shared buffer. */
export interface StreamCells {
  /** `[0]`: highest acknowledged logical offset, or -1n. */
  readonly acked: BigInt64Array;
  /** `[STREAM_CELLS.FAILED]`: the failed flag. */
  readonly flags: Int32Array;
}

/** Allocates (caller) or wraps (worker) a stream's shared buffer. */
export function streamCells(buffer: SharedArrayBuffer = new SharedArrayBuffer(STREAM_CELLS.BYTES)): StreamCells & { buffer: SharedArrayBuffer } {
  const cells = { buffer, acked: new BigInt64Array(buffer, 0, 1), flags: new Int32Array(buffer, 8, 2) };
  return cells;
}

/** An error as it crosses threads. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly grpcCode: number | undefined;
}

/** Flattens an error for `postMessage`, keeping what the caller's rebuilt error needs. */
export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { grpcCode?: unknown }).grpcCode;
    const name = err instanceof NonRetriableException ? "NonRetriableException" : err instanceof ZerobusException ? "ZerobusException" : err.name;
    return { name, message: err.message, grpcCode: typeof code === "number" ? code : undefined };
  }
  return { name: "Error", message: String(err), grpcCode: undefined };
}

/**
 * Rebuilds an error in the caller's thread as the SDK's own classes, so `instanceof NonRetriableException`
 * works as with the async API. Anything else (a bug, a Node error) arrives as a retriable ZerobusException.
 */
export function fromWireError(wire: WireError): ZerobusException {
  const options = { grpcCode: wire.grpcCode };
  if (wire.name === "NonRetriableException") return new NonRetriableException(wire.message, options);
  if (wire.name === "ZerobusException") return new ZerobusException(wire.message, options);
  return new ZerobusException(`${wire.name}: ${wire.message}`, options);
}

/** Authentication of a stream: OAuth client credentials, or fixed headers. */
export type WireAuth =
  | { readonly kind: "oauth"; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: "headers"; readonly headers: ReadonlyArray<readonly [string, string]> };

/** Stream options as they cross threads: plain values only (no callbacks). */
export type WireStreamOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** A group of encoded entries handed to the worker in one message. */
export interface RecordsMessage {
  readonly op: "records";
  readonly stream: number;
  /** Records per entry (one ingest call each). */
  readonly counts: Uint32Array;
  /** JSON streams: the records' text, in order. */
  readonly json?: string[] | undefined;
  /** PROTO streams: the records' bytes back to back, and where each one ends. */
  readonly bytes?: Uint8Array | undefined;
  readonly ends?: Uint32Array | undefined;
}

/** Messages to the worker that expect a reply. */
export type CallMessage =
  | {
      readonly op: "create";
      readonly stream: number;
      readonly tableName: string;
      readonly descriptorProto: Uint8Array | undefined;
      readonly options: WireStreamOptions;
      readonly auth: WireAuth;
      readonly cells: SharedArrayBuffer;
    }
  | { readonly op: "recreate"; readonly stream: number; readonly from: number; readonly cells: SharedArrayBuffer }
  | { readonly op: "close" | "state" | "streamId" | "unacked" | "error"; readonly stream: number }
  | { readonly op: "shutdown" };

/** A call as posted: the message and its id. */
export type CallEnvelope = CallMessage & { readonly id: number };

/** Any message to the worker. */
export type ToWorker = RecordsMessage | CallEnvelope;

/** A reply to a call. */
export type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: WireError };

/** What the worker posts when it dies. */
export interface DeadMessage {
  readonly dead: string;
}

/** Unacknowledged batches as they cross threads: one buffer, record ends, and records per batch. */
export interface PackedBatches {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  readonly counts: Uint32Array;
}

/** Packs byte records (grouped in batches) into one transferable buffer. */
export function packBatches(batches: ReadonlyArray<ReadonlyArray<Uint8Array>>): PackedBatches {
  let total = 0;
  let records = 0;
  for (const batch of batches) for (const record of batch) (total += record.byteLength), records++;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(records);
  const counts = new Uint32Array(batches.length);
  let at = 0;
  let r = 0;
  batches.forEach((batch, b) => {
    counts[b] = batch.length;
    for (const record of batch) {
      bytes.set(record, at);
      at += record.byteLength;
      ends[r++] = at;
    }
  });
  return { bytes, ends, counts };
}

/** The inverse of {@link packBatches}, as Buffers viewing the one received buffer. */
export function unpackBatches(packed: PackedBatches): Buffer[][] {
  const { bytes, ends, counts } = packed;
  const batches: Buffer[][] = [];
  let start = 0;
  let r = 0;
  for (const count of counts) {
    const batch: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const end = ends[r++]!;
      batch.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start));
      start = end;
    }
    batches.push(batch);
  }
  return batches;
}

/** The transferable buffers of a packed value. */
export const transferablesOf = (...views: Array<ArrayBufferView | undefined>): ArrayBuffer[] =>
  views.filter((v): v is ArrayBufferView => v !== undefined).map((v) => v.buffer as ArrayBuffer);
