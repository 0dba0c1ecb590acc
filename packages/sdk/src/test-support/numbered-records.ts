/**
 * Records with unique numeric ids, so a fault test can count exactly how often each one reached the
 * server: JSON objects `{"id": N, "pad": "…"}` (the pad makes records bigger, to spread them over more
 * TCP segments), and the helpers that ingest them while a {@link DeliveryTracker} follows their fate.
 */
import type { RecordAcknowledgment } from "../acknowledgment.js";
import type { ZerobusStream } from "../stream.js";
import type { DeliveryTracker } from "./delivery-tracker.js";

/** The JSON text of record `id`, padded with `padBytes` characters. */
export function numberedRecord(id: number, padBytes = 0): string {
  return `{"id":${id},"pad":"${"x".repeat(padBytes)}"}`;
}

/** The id of a record made by {@link numberedRecord} (bytes as returned by `getUnackedRecords`, or text). */
export function recordId(record: Uint8Array | string): number {
  const text = typeof record === "string" ? record : Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString("utf8");
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw new Error(`not a numbered record: ${text.slice(0, 80)}`);
  return id;
}

/** The ids of the records the stream has not had acknowledged, oldest first. */
export function unackedIds(stream: ZerobusStream): number[] {
  return stream.getUnackedRecords().map(recordId);
}

/** How many times each id occurs. */
export function countIds(ids: Iterable<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Ingests records `ids` as one call — `ingestRecord` for one id, `ingestRecords` (one batch) for more —
 * after telling `tracker` they were handed over, and lets `tracker` follow the acknowledgment.
 */
export async function ingestTracked(
  stream: ZerobusStream,
  tracker: DeliveryTracker,
  ids: readonly number[],
  padBytes = 0,
): Promise<RecordAcknowledgment> {
  const records = ids.map((id) => numberedRecord(id, padBytes));
  tracker.handOver(ids);
  let ack: RecordAcknowledgment;
  try {
    ack = ids.length === 1 ? await stream.ingestRecord(records[0]) : (await stream.ingestRecords(records))!;
  } catch (err) {
    // Refused at admission (the stream had already failed): the caller got the error and nothing was kept.
    tracker.refused(ids);
    throw err;
  }
  tracker.follow(ids, ack);
  return ack;
}
