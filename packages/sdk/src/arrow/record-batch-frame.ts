/**
 * An apache-arrow `RecordBatch` (or a slice of one) as a frame. Flat columns (numbers, dates, timestamps,
 * decimals, Bool, the string and binary types) are laid out here, straight from their `Data`: each buffer
 * is copied once into the body and the header is written directly. Any other column (nested, view types,
 * unusual buffers) sends the whole batch through apache-arrow's `VectorAssembler`, as the IPC writer
 * lays it out, so nothing that worked before stops working.
 *
 * Why not always the assembler: per batch it allocates each buffer it rebases, converts every 64-bit
 * offset of a slice through BigInt, and dispatches a visitor per column; for the small flat batches
 * streams carry that cost more than the copy itself.
 */
import type { RecordBatch } from "apache-arrow";
import type { ArrowFrame } from "./arrow-batch.js";
import { planColumn, writeColumnBuffer, type ColumnBuffer } from "./column-buffers.js";
import { encodeBatchHeader } from "./record-batch-message.js";

/** apache-arrow's `VectorAssembler` (a deep import: it is not exported from the package root). */
export interface Assembler {
  assemble(batch: RecordBatch): {
    readonly nodes: ReadonlyArray<{ length: number; nullCount: number }>;
    readonly buffers: readonly ArrayBufferView[];
    readonly bufferRegions: ReadonlyArray<{ offset: number; length: number }>;
    readonly variadicBufferCounts: readonly number[];
    readonly byteLength: number;
  };
}

const TWO_32 = 2 ** 32;
const align8 = (n: number): number => (n + 7) & ~7;

/** The frame of `batch`: laid out here when every column is flat, else by `assembler`. */
export function recordBatchFrame(assembler: Assembler, batch: RecordBatch): ArrowFrame {
  return columnsFrame(batch) ?? assembledFrame(assembler, batch);
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
  const buffers = new Float64Array(2 * planned.length);
  let size = 0;
  for (let i = 0; i < planned.length; i++) {
    const length = align8(planned[i]!.byteLength);
    buffers[2 * i] = size;
    buffers[2 * i + 1] = length;
    size += length;
  }
  // Every byte is written below (buffers, then their padding), so the memory need not be zeroed first;
  // a body of its own (not a slab slice) keeps the offset views 4- and 8-aligned.
  const body = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
  for (let i = 0; i < planned.length; i++) writeColumnBuffer(planned[i]!, body, buffers[2 * i]!);
  const header = encodeBatchHeader({ rows: batch.numRows, nodes, buffers, variadicCounts: undefined, codec: undefined, bodyLength: size });
  return { header, body, rows: batch.numRows };
}

/** The frame of `batch` as apache-arrow's `VectorAssembler` lays it out (any column type it writes). */
export function assembledFrame(assembler: Assembler, batch: RecordBatch): ArrowFrame {
  const assembled = assembler.assemble(batch);
  const body = new Uint8Array(assembled.byteLength);
  const buffers = new Float64Array(2 * assembled.bufferRegions.length);
  assembled.bufferRegions.forEach((region, i) => {
    const data = assembled.buffers[i]!;
    body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), region.offset);
    buffers[2 * i] = region.offset;
    buffers[2 * i + 1] = region.length;
  });
  const nodes = new Uint8Array(16 * assembled.nodes.length);
  const nodesView = new DataView(nodes.buffer);
  assembled.nodes.forEach((node, i) => {
    nodesView.setBigInt64(16 * i, BigInt(node.length), true);
    nodesView.setBigInt64(16 * i + 8, BigInt(node.nullCount), true);
  });
  const counts = assembled.variadicBufferCounts;
  let variadicCounts: Uint8Array | undefined;
  if (counts.length > 0) {
    variadicCounts = new Uint8Array(8 * counts.length);
    const view = new DataView(variadicCounts.buffer);
    counts.forEach((count, i) => view.setBigInt64(8 * i, BigInt(count), true));
  }
  const header = encodeBatchHeader({ rows: batch.numRows, nodes, buffers, variadicCounts, codec: undefined, bodyLength: body.length });
  return { header, body, rows: batch.numRows };
}
