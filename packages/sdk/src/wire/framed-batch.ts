/**
 * A batch call's records, encoded once at ingest as the wire's `repeated records = 1` list, with room in
 * front for the envelope that carries the physical offset. Sending (and re-sending after a reconnect) only
 * writes that envelope into the room and hands a view of the memory to the transport: no copy, no
 * re-encoding.
 *
 * Why at ingest: the alternative kept an array of the records per batch until its ack. Those arrays lived
 * long enough to be copied by V8's young-generation collector, which then grew the young generation by
 * 16 MB (in RSS) to make room; the framed list lives outside the JS heap, in pooled memory that is reused
 * once the batch is acknowledged.
 */
import { readVarint } from "./varint.js";

/**
 * Bytes kept free in front of the list: tag and length of `ingest_record_batch` (1 + 5), tag and value of
 * `offset_id` (1 + 10), tag and length of the list field (1 + 5).
 */
export const ENVELOPE_ROOM = 23;

/** See the module comment. */
export class FramedBatch {
  /** Pooled memory: {@link ENVELOPE_ROOM} free bytes, then the framed list. */
  readonly memory: Buffer;
  /** Records in the list. */
  readonly recordCount: number;

  /** @internal Made by `encodeBatchBody`. */
  constructor(memory: Buffer, recordCount: number) {
    this.memory = memory;
    this.recordCount = recordCount;
  }

  /** Size of the framed list in bytes. */
  get listSize(): number {
    return this.memory.length - ENVELOPE_ROOM;
  }

  /** Copies of the records' bytes, in order (for `getUnackedRecords`: the memory is reused after the ack). */
  records(): Buffer[] {
    const records: Buffer[] = [];
    const memory = this.memory;
    let pos = ENVELOPE_ROOM;
    while (pos < memory.length) {
      const length = readVarint(memory, pos + 1); // after the one-byte tag of field 1
      const start = length.next;
      const end = start + Number(length.value);
      records.push(Buffer.from(memory.subarray(start, end)));
      pos = end;
    }
    return records;
  }
}
