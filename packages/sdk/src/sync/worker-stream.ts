/**
 * One async stream hosted in the blocking client's worker thread, with the shared cells its caller reads.
 *
 * Acknowledgments reach it through the stream's own `ackCallback` (object style: `onAck` per entry,
 * `onError` per entry failed for good) and are published once per batch of acks, in a microtask. Entries
 * the async stream refused (it had failed before admitting them) are kept here, in offset order, and
 * returned after the stream's own unacknowledged entries, so that nothing the caller ingested is lost.
 */
import { NonRetriableException } from "../errors.js";
import type { ZerobusSdk } from "../sdk.js";
import { StreamState, isTerminal } from "../stream-state.js";
import type { ZerobusStream as AsyncStream } from "../stream.js";
import { TableProperties } from "../table-properties.js";
import { STREAM_CELLS, packBatches, streamCells, toWireError, type CallMessage, type PackedBatches, type RecordsMessage, type StreamCells, type WireError } from "./protocol.js";

type CreateCall = Extract<CallMessage, { op: "create" }>;
type Payload = string | Uint8Array;

/** See the module comment. */
export class HostedStream {
  readonly #create: CreateCall;
  readonly #cells: StreamCells;
  readonly #signal: () => void;
  readonly #json: boolean;
  #stream!: AsyncStream;
  #next = 0;
  #latestAck = -1n;
  #publishScheduled = false;
  #failed: WireError | undefined;
  #refused: Array<{ offset: number; records: Payload[] }> = [];
  #lastIngest: Promise<unknown> = Promise.resolve();

  private constructor(create: CreateCall, cells: SharedArrayBuffer, signal: () => void) {
    this.#create = create;
    this.#cells = streamCells(cells);
    Atomics.store(this.#cells.acked, 0, -1n);
    this.#signal = signal;
    this.#json = create.options["recordType"] === "json";
  }

  /** Opens the async stream a `create` call describes. */
  static async open(sdk: ZerobusSdk, create: CreateCall, signal: () => void): Promise<HostedStream> {
    const hosted = new HostedStream(create, create.cells, signal);
    await hosted.#connect(sdk);
    return hosted;
  }

  /**
   * A new stream like this one (which must be closed or failed) that re-ingests, in order, everything this
   * one never got acknowledged. Returns it and the records per re-ingested entry.
   */
  async recreate(sdk: ZerobusSdk, handle: number, cells: SharedArrayBuffer): Promise<{ stream: HostedStream; resent: number[] }> {
    await this.#lastIngest;
    if (!isTerminal(this.#stream.getState())) {
      throw new NonRetriableException("Stream is not closed. Cannot recreate stream: close it or let it fail first");
    }
    const fresh = new HostedStream({ ...this.#create, stream: handle, cells }, cells, this.#signal);
    await fresh.#connect(sdk);
    const resent: number[] = [];
    for (const batch of this.#unackedPayloads()) {
      const records = this.#json ? batch.map((r) => (typeof r === "string" ? r : Buffer.from(r).toString("utf8"))) : batch;
      fresh.#ingestEntry(records);
      resent.push(records.length);
    }
    await fresh.#lastIngest;
    return { stream: fresh, resent };
  }

  /** Ingests a group of entries handed over by the caller. */
  ingest(message: RecordsMessage): void {
    let r = 0;
    for (const count of message.counts) {
      const records: Payload[] = new Array(count);
      for (let i = 0; i < count; i++, r++) records[i] = this.#record(message, r);
      this.#ingestEntry(records);
    }
  }

  /** Closes the async stream once every handed-over entry was admitted. */
  async close(): Promise<void> {
    await this.#lastIngest;
    try {
      await this.#stream.close();
    } finally {
      if (this.#stream.getState() === StreamState.FAILED) await this.#markFailed();
    }
  }

  /** The async stream's state. */
  state(): StreamState {
    return this.#stream.getState();
  }

  /** The async stream's id. */
  streamId(): string {
    return this.#stream.streamId;
  }

  /** Every unacknowledged entry, packed for transfer. */
  unacked(): PackedBatches {
    const batches = this.#unackedPayloads().map((batch) => batch.map((r) => (typeof r === "string" ? Buffer.from(r, "utf8") : r)));
    return packBatches(batches);
  }

  /** The error that failed the stream. */
  async failure(): Promise<WireError> {
    if (!this.#failed) await this.#markFailed();
    return this.#failed ?? toWireError(new NonRetriableException("Stream failed"));
  }

  /** Publishes the latest acknowledged offset now (before a reply, so the caller never sees it late). */
  publishAcks(): void {
    if (Atomics.load(this.#cells.acked, 0) !== this.#latestAck) {
      Atomics.store(this.#cells.acked, 0, this.#latestAck);
      this.#signal();
    }
  }

  async #connect(sdk: ZerobusSdk): Promise<void> {
    const { tableName, descriptorProto, options, auth } = this.#create;
    const table = new TableProperties(tableName, descriptorProto);
    const ackCallback = { onAck: (offset: bigint) => this.#onAck(offset), onError: () => void this.#markFailed() };
    const streamOptions = { ...options, ackCallback };
    this.#stream =
      auth.kind === "oauth"
        ? await sdk.createStream(auth.clientId, auth.clientSecret, table, streamOptions)
        : await sdk.createStreamWithHeadersProvider(() => auth.headers.map(([k, v]) => [k, v] as [string, string]), table, streamOptions);
  }

  #record(message: RecordsMessage, index: number): Payload {
    if (message.json) return message.json[index]!;
    const bytes = message.bytes!;
    const start = index === 0 ? 0 : message.ends![index - 1]!;
    // A view of the transferred buffer: no copy; the ledger keeps it alive until the record is acknowledged.
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, message.ends![index]! - start);
  }

  #ingestEntry(records: Payload[]): void {
    const expected = this.#next++;
    const admitted = records.length === 1 ? this.#stream.ingestRecordOffset(records[0]) : this.#stream.ingestRecordsOffset(records);
    this.#lastIngest = admitted.then(
      (offset) => {
        if (offset !== BigInt(expected)) this.#breakInvariant(`the stream gave offset ${offset} to the entry the caller numbered ${expected}`);
      },
      (err: unknown) => {
        this.#refused.push({ offset: expected, records });
        return this.#markFailed(err);
      },
    );
  }

  #onAck(offset: bigint): void {
    if (offset > this.#latestAck) this.#latestAck = offset;
    if (this.#publishScheduled) return;
    this.#publishScheduled = true;
    queueMicrotask(() => {
      this.#publishScheduled = false;
      this.publishAcks();
    });
  }

  /**
   * Records the error that failed the stream and raises the failed flag (idempotent). `refusal` is the
   * error of an entry the stream refused, used only if the stream has not failed itself.
   */
  async #markFailed(refusal?: unknown): Promise<void> {
    if (this.#failed) return;
    // A failed stream's flush rejects at once with the error that failed it: the one the caller must see.
    const failedError =
      this.#stream.getState() === StreamState.FAILED ? await this.#stream.flush().then(() => undefined, (err: unknown) => err) : undefined;
    if (this.#failed) return;
    this.#failed = toWireError(failedError ?? refusal ?? new NonRetriableException("Stream failed"));
    this.publishAcks();
    Atomics.store(this.#cells.flags, STREAM_CELLS.FAILED, 1);
    this.#signal();
  }

  #breakInvariant(what: string): void {
    this.#failed ??= toWireError(new NonRetriableException(`Blocking client: ${what}`));
    Atomics.store(this.#cells.flags, STREAM_CELLS.FAILED, 1);
    this.#signal();
  }

  #unackedPayloads(): Payload[][] {
    const own: Payload[][] = this.#stream.getUnackedBatches();
    const refused = [...this.#refused].sort((a, b) => a.offset - b.offset).map((r) => r.records);
    return [...own, ...refused];
  }
}
