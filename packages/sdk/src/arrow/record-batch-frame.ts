/**
 * An apache-arrow `RecordBatch` (or a slice of one) as a frame: apache-arrow's own assembler lays out its
 * buffers (with the offsets of a slice rebased, as its IPC writer does), they are copied once into the body,
 * and the header is written directly, skipping the IPC writer's stream machinery and schema message.
 */
import type { RecordBatch } from "apache-arrow";
import type { ArrowFrame } from "./arrow-batch.js";
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

/** The frame of `batch`. */
export function recordBatchFrame(assembler: Assembler, batch: RecordBatch): ArrowFrame {
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
