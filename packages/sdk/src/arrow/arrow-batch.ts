/**
 * One `ingestBatch` call as the ledger holds it: the frames it is sent as, decided once at ingest so that a
 * reconnect resends exactly the frames not yet acknowledged. A frame is one Arrow IPC `RecordBatch` message
 * of at most about 2 MiB (ARROW-FLIGHT.md §2): its flatbuffer header and its uncompressed body, both views of
 * the caller's IPC bytes when the batch needed no splitting (no copy), or of a re-encoded slice otherwise.
 * A frame of RecordBatch input keeps no body at all: it holds the batch's columns and writes their buffers
 * straight into each request that sends it (`bodyWriter`), as cheap as IPC bytes and with no body to collect.
 * Compression, when enabled, happens as a frame is sent, so the ledger keeps only one copy of the rows.
 */
import type { BodyWriter } from "../wire/flight-data.js";

/** One data frame: an IPC RecordBatch message. */
export interface ArrowFrame {
  /** The `Message` flatbuffer (header = RecordBatch), uncompressed body layout. */
  readonly header: Uint8Array;
  /**
   * The message body (uncompressed). For a frame with a `bodyWriter`, laid out anew on each read (an
   * allocation): the rare paths (compression, `getUnackedBatches`) read it, sending does not.
   */
  readonly body: Uint8Array;
  /** Rows in the frame. */
  readonly rows: number;
  /** Set when the body is laid out from columns as it is sent: its length and how to write it. */
  readonly bodyWriter?: BodyWriter;
}

/** The length of `frame`'s body, without laying it out. */
export const frameBodyLength = (frame: ArrowFrame): number => frame.bodyWriter?.length ?? frame.body.length;

/** See the module comment. */
export class ArrowBatch {
  /** The frames, in row order. */
  readonly frames: readonly ArrowFrame[];
  /** Rows in every frame together. */
  readonly rows: number;
  /** Bytes held (headers and bodies): what `maxInflightBytes` counts. */
  readonly bytes: number;
  /** Each frame's body length when the batch was made. */
  readonly #bodyLengths: number[];

  /** A batch made of `frames` (at least one, each with rows). */
  constructor(frames: readonly ArrowFrame[]) {
    this.frames = frames;
    let rows = 0;
    let bytes = 0;
    this.#bodyLengths = [];
    for (const frame of frames) {
      const bodyLength = frameBodyLength(frame);
      rows += frame.rows;
      bytes += frame.header.length + bodyLength;
      this.#bodyLengths.push(bodyLength);
    }
    this.rows = rows;
    this.bytes = bytes;
  }

  /**
   * Whether frame `index` still reads the memory it was made from: the caller's bytes or arrays may have
   * been detached (transferred) or resized since, and would then go out as nothing or zeros.
   */
  frameIntact(index: number): boolean {
    const frame = this.frames[index]!;
    return frame.bodyWriter ? frame.bodyWriter.intact() : frame.body.length === this.#bodyLengths[index];
  }
}
