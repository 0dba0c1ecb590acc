/**
 * Records on their way from the caller's thread to the worker. Posting a message costs microseconds, so
 * single-record calls are handed over in groups: a group goes out when it holds `maxRecords` records or
 * 1 MiB, when its oldest record has waited `maxDelayMs` (checked at the next call into the stream), before
 * the caller blocks on anything, and on the next turn of the caller's event loop. Each group is one
 * message whose buffers are transferred, not copied: JSON records as strings, protobuf records packed back
 * to back into one fresh buffer.
 *
 * A record ingested just before the caller starts a long computation without calling the client again
 * waits in the group until the next call (or event-loop turn); set `maxRecords` to 1 to hand every record
 * over at once.
 */
import type { RecordsMessage } from "./protocol.js";
import { transferablesOf } from "./protocol.js";

/** Hand-over limits. */
export interface OutboxLimits {
  /** Records per group. */
  readonly maxRecords: number;
  /** Longest a record waits in the group, in ms, checked at each call. */
  readonly maxDelayMs: number;
}

/** Defaults: see `docs/integrations.md` for the measurements behind them. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = Object.freeze({ maxRecords: 256, maxDelayMs: 1 });

const MAX_GROUP_BYTES = 1024 * 1024;

/** See the module comment. */
export class RecordOutbox {
  readonly #stream: number;
  readonly #json: boolean;
  readonly #limits: OutboxLimits;
  readonly #send: (message: RecordsMessage, transfer: ArrayBuffer[]) => void;
  #counts: number[] = [];
  #records: Array<string | Uint8Array> = [];
  #bytes = 0;
  #firstAt = 0;
  #scheduled: ReturnType<typeof setImmediate> | undefined;

  /** An outbox for stream `stream`, sending groups with `send`. */
  constructor(stream: number, json: boolean, limits: OutboxLimits, send: (message: RecordsMessage, transfer: ArrayBuffer[]) => void) {
    this.#stream = stream;
    this.#json = json;
    this.#limits = limits;
    this.#send = send;
  }

  /** Records waiting to be handed over. */
  get size(): number {
    return this.#records.length;
  }

  /** Queues one entry (one ingest call): JSON text, or protobuf bytes. Sends the group if it is due. */
  add(records: ReadonlyArray<string | Uint8Array>): void {
    if (this.#records.length === 0) {
      this.#firstAt = performance.now();
      this.#scheduled ??= setImmediate(() => {
        this.#scheduled = undefined;
        try {
          this.flush();
        } catch {
          // The SDK was closed meanwhile; the next call into the stream reports it.
        }
      });
    }
    this.#counts.push(records.length);
    for (const record of records) {
      this.#records.push(record);
      this.#bytes += typeof record === "string" ? record.length : record.byteLength;
    }
    if (this.#records.length >= this.#limits.maxRecords || this.#bytes >= MAX_GROUP_BYTES) this.flush();
  }

  /** Sends the group if its oldest record has waited long enough (called at every call into the stream). */
  flushIfDue(): void {
    if (this.#records.length > 0 && performance.now() - this.#firstAt >= this.#limits.maxDelayMs) this.flush();
  }

  /** Sends whatever is waiting; if sending throws, the group stays here. */
  flush(): void {
    if (this.#records.length === 0) return;
    const counts = Uint32Array.from(this.#counts);
    const records = this.#records;
    if (this.#json) {
      this.#send({ op: "records", stream: this.#stream, counts, json: records as string[] }, transferablesOf(counts));
    } else {
      const { bytes, ends } = pack(records as Uint8Array[], this.#bytes);
      this.#send({ op: "records", stream: this.#stream, counts, bytes, ends }, transferablesOf(counts, bytes, ends));
    }
    this.#counts = [];
    this.#records = [];
    this.#bytes = 0;
  }

  /** Drops the pending event-loop flush (the stream is closed). */
  dispose(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
  }
}

/** Copies records back to back into a fresh buffer, so transferring it never detaches the caller's memory (Buffer pools). */
function pack(records: readonly Uint8Array[], total: number): { bytes: Uint8Array; ends: Uint32Array } {
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(records.length);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    bytes.set(record, at);
    at += record.byteLength;
    ends[i] = at;
  }
  return { bytes, ends };
}
