/**
 * A frame laid out from a RecordBatch's flat columns (numbers, dates, timestamps, decimals, Bool, strings
 * and binaries), read straight off their apache-arrow `Data`. The frame keeps no body: it holds the plan of
 * its buffers (views of the batch's own arrays) and writes them into each request that sends it, so RecordBatch
 * input costs what IPC bytes do, one copy of the rows into the request and no per-batch memory for the
 * garbage collector. Like IPC bytes, the batch must therefore not be modified until acknowledged.
 */
import type { RecordBatch } from "apache-arrow";
import { NonRetriableException } from "../errors.js";
import type { BodyWriter } from "../wire/flight-data.js";
import type { ArrowFrame } from "./arrow-batch.js";
import { writeColumnBuffer } from "./column-buffer-writer.js";
import { bufferIntact, planColumn, type ColumnBuffer } from "./column-buffers.js";
import { encodeBatchHeader } from "./record-batch-message.js";

const TWO_32 = 2 ** 32;
const align8 = (n: number): number => (n + 7) & ~7;

/** See the module comment. */
class ColumnsFrame implements ArrowFrame, BodyWriter {
  readonly header: Uint8Array;
  readonly rows: number;
  /** Body bytes. */
  readonly length: number;
  readonly #buffers: readonly ColumnBuffer[];
  /** Each buffer's offset and padded length in the body, two numbers per buffer. */
  readonly #regions: readonly number[];

  constructor(header: Uint8Array, rows: number, length: number, buffers: readonly ColumnBuffer[], regions: readonly number[]) {
    this.header = header;
    this.rows = rows;
    this.length = length;
    this.#buffers = buffers;
    this.#regions = regions;
  }

  get bodyWriter(): BodyWriter {
    return this;
  }

  /** The body laid out in memory of its own. */
  get body(): Uint8Array {
    // Every byte is written (buffers, then their padding), so the memory need not be zeroed first.
    const body = new Uint8Array(Buffer.allocUnsafeSlow(this.length).buffer, 0, this.length);
    this.writeTo(body, 0);
    return body;
  }

  intact(): boolean {
    return this.#buffers.every(bufferIntact);
  }

  writeTo(target: Uint8Array, at: number): void {
    // Refuse loudly rather than send zeros (changed contents cannot be seen, as for IPC bytes).
    if (!this.intact()) {
      throw new NonRetriableException(
        "ingestBatch: the memory of a RecordBatch column awaiting acknowledgment was detached or resized; columns must stay as they are until acknowledged",
      );
    }
    const buffers = this.#buffers;
    for (let i = 0; i < buffers.length; i++) writeColumnBuffer(buffers[i]!, target, at + this.#regions[2 * i]!);
  }
}

/** Writes a FieldNode struct (length, null_count: two int64) without BigInt. */
function setFieldNode(view: DataView, index: number, length: number, nullCount: number): void {
  const at = 16 * index;
  view.setUint32(at, length % TWO_32, true);
  view.setUint32(at + 4, Math.floor(length / TWO_32), true);
  view.setUint32(at + 8, nullCount % TWO_32, true);
  view.setUint32(at + 12, Math.floor(nullCount / TWO_32), true);
}

/** The frame of `batch` laid out from its columns' `Data`, or `undefined` if a column is not flat. */
export function columnsFrame(batch: RecordBatch): ArrowFrame | undefined {
  const columns = batch.data.children;
  if (columns.length !== batch.schema.fields.length) return undefined; // not a plain batch: as before
  const planned: ColumnBuffer[] = [];
  const nodes = new Uint8Array(16 * columns.length);
  const nodesView = new DataView(nodes.buffer);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const nullCount = planColumn(column, planned);
    if (nullCount < 0) return undefined;
    setFieldNode(nodesView, i, column.length, nullCount);
  }
  // A plain array: small typed arrays each get memory outside the heap, a cost per frame.
  const regions: number[] = [];
  let size = 0;
  for (let i = 0; i < planned.length; i++) {
    const length = align8(planned[i]!.byteLength);
    regions.push(size, length);
    size += length;
  }
  const header = encodeBatchHeader({ rows: batch.numRows, nodes, buffers: regions, variadicCounts: undefined, codec: undefined, bodyLength: size });
  return new ColumnsFrame(header, batch.numRows, size, planned, regions);
}
