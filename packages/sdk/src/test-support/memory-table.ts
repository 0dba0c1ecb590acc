/**
 * A durable-store stand-in for scripted-server fault tests: a scripted call that behaves like a correct
 * Zerobus service — it stores each request's numbered records (see `numbered-records.ts`) *before*
 * acknowledging them — with a hook that lets the test decide, request by request, to withhold the ack or
 * end the call instead. The store's copy counts are what `DeliveryTracker.check` compares against.
 */
import type { ScriptedCall } from "./scripted-server.js";
import { recordId } from "./numbered-records.js";

/** Copies of each record id the "server" has durably stored. */
export class MemoryTable {
  readonly counts = new Map<number, number>();

  /** Stores every record of one request. */
  store(records: readonly Uint8Array[]): void {
    for (const record of records) {
      const id = recordId(record);
      this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    }
  }

  /** Copies stored in all. */
  get rows(): number {
    let rows = 0;
    for (const copies of this.counts.values()) rows += copies;
    return rows;
  }
}

/** One ingest request as the serving loop hands it to the test's hook. */
export interface ServedRequest {
  /** 0-based position of the request on this call. */
  readonly index: number;
  /** Its physical offset (what the client put on the wire). */
  readonly offset: bigint;
  readonly records: readonly Buffer[];
}

/**
 * What to do with a request: `ack` stores it and acknowledges it (cumulatively); `hold` stores it without
 * an ack (a later ack covers it); `end` ends the call with this status *without* storing the request.
 */
export type RequestFate = "ack" | "hold" | { end: number; details?: string };

/**
 * Serves one call: answers `create_stream`, then stores and handles each ingest request as `decide` says
 * (default: ack every one), until the client half-closes (then it ends the call with OK) or a fate ends it.
 */
export async function serveDurably(
  call: ScriptedCall,
  table: MemoryTable,
  decide: (request: ServedRequest) => RequestFate | Promise<RequestFate> = () => "ack",
  streamId = "memory-stream",
): Promise<void> {
  const create = await call.next();
  if (!create?.createStream) return call.end(3, "first message must be CreateStream");
  call.sendCreateResponse(streamId);
  for (let index = 0; ; index++) {
    const request = await call.nextIngest();
    if (!request) return call.finish();
    const served: ServedRequest = { index, offset: request.offset, records: request.records };
    const fate = await decide(served);
    if (typeof fate === "object") return call.end(fate.end, fate.details ?? "scripted failure");
    table.store(request.records);
    if (fate === "ack") call.ack(request.offset);
  }
}
