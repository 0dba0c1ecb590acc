/**
 * An apache-arrow `RecordBatch` (or a slice of one) as a frame. Flat columns (numbers, dates, timestamps,
 * decimals, Bool, the string and binary types) are laid out by the SDK (`columns-frame.ts`), written into
 * each request as it is sent. A batch with any other column (nested, view types, unusual buffers) goes
 * through apache-arrow's `VectorAssembler` as before: its buffers are copied once into a body of its own
 * and the header is written directly, skipping the IPC writer's stream machinery and schema message.
 *
 * Why not always the assembler: a body per batch, kept until acknowledged, is memory the garbage collector
 * must chase at hundreds of MB/s (the bench measured it costing 2–3x the CPU per row of IPC bytes), and
 * the assembler allocates each buffer it rebases and converts each 64-bit offset of a slice through BigInt.
 */
import type { RecordBatch } from "apache-arrow";
import type { ArrowFrame } from "./arrow-batch.js";
import { columnsFrame } from "./columns-frame.js";
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

/** The frame of `batch`: laid out from its columns when every column is flat, else by `assembler`. */
export function recordBatchFrame(assembler: Assembler, batch: RecordBatch): ArrowFrame {
  return columnsFrame(batch) ?? assembledFrame(assembler, batch);
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
