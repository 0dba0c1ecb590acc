/**
 * `getUnackedBatches`: the ledger's Arrow entries back as IPC streams (schema message, the frames not yet
 * acknowledged, end-of-stream marker), uncompressed, one per batch call.
 */
import type { LedgerEntry } from "../pending-ledger.js";
import { ArrowBatch } from "./arrow-batch.js";

const CONTINUATION = 0xffffffff;

function messageBytes(header: Uint8Array, body: Uint8Array | undefined): number {
  return 8 + padded(header.length) + (body?.length ?? 0);
}

const padded = (n: number): number => (n + 7) & ~7;

function writeMessage(out: Buffer, pos: number, header: Uint8Array, body: Uint8Array | undefined): number {
  out.writeUInt32LE(CONTINUATION, pos);
  out.writeInt32LE(padded(header.length), pos + 4);
  out.set(header, pos + 8);
  out.fill(0, pos + 8 + header.length, pos + 8 + padded(header.length));
  pos += 8 + padded(header.length);
  if (body) {
    out.set(body, pos);
    pos += body.length;
  }
  return pos;
}

/**
 * One IPC stream per entry, oldest first. The oldest entry skips its first `durableFrames` frames: those
 * rows were acknowledged already.
 */
export function unackedBatchesIpc(schemaMessage: Uint8Array, entries: readonly LedgerEntry[], durableFrames: number): Buffer[] {
  const out: Buffer[] = [];
  entries.forEach((entry, i) => {
    if (!(entry.payload instanceof ArrowBatch)) return;
    const frames = entry.payload.frames.slice(i === 0 ? durableFrames : 0);
    // Bodies read once: a frame laid out from columns lays its body out on each read.
    const bodies = frames.map((frame) => frame.body);
    let size = messageBytes(schemaMessage, undefined) + 8;
    frames.forEach((frame, j) => (size += messageBytes(frame.header, bodies[j])));
    const buf = Buffer.alloc(size);
    let pos = writeMessage(buf, 0, schemaMessage, undefined);
    frames.forEach((frame, j) => (pos = writeMessage(buf, pos, frame.header, bodies[j])));
    buf.writeUInt32LE(CONTINUATION, pos); // end of stream: continuation marker and a zero length
    out.push(buf);
  });
  return out;
}
