/**
 * Compresses a frame's body as the Arrow IPC format says (BodyCompression, method BUFFER): every non-empty
 * buffer becomes its uncompressed length as a little-endian int64 followed by the compressed bytes, or -1
 * followed by the raw bytes when compressing did not make it smaller; empty buffers stay empty. Buffers stay
 * 8-byte aligned. The header is rewritten to point at the new buffers and name the codec.
 */
import type { ArrowFrame } from "./arrow-batch.js";
import type { BodyCodec } from "./body-codecs.js";
import { recordBatchLayout } from "./ipc-messages.js";
import { encodeBatchHeader } from "./record-batch-message.js";

const align8 = (n: number): number => (n + 7) & ~7;

/** The frame's header and body with its buffers compressed by `codec`. */
export function compressFrame(frame: ArrowFrame, codec: BodyCodec): { header: Uint8Array; body: Uint8Array } {
  const layout = recordBatchLayout(frame.header);
  const regions = layout.buffers;
  const parts = new Array<Uint8Array | undefined>(regions.length / 2);
  const compressedLengths = new Float64Array(regions.length / 2);
  let size = 0;
  const source = frame.body; // read once: a frame laid out from columns lays its body out on each read
  for (let i = 0; i < parts.length; i++) {
    const length = regions[2 * i + 1]!;
    if (length === 0) continue;
    const raw = source.subarray(regions[2 * i]!, regions[2 * i]! + length);
    const packed = codec.compress(raw);
    const smaller = packed.length < raw.length;
    parts[i] = smaller ? packed : raw;
    compressedLengths[i] = smaller ? length : -1;
    size += align8(8 + parts[i]!.length);
  }
  const body = new Uint8Array(size);
  const view = new DataView(body.buffer);
  const buffers = new Float64Array(regions.length);
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    buffers[2 * i] = pos;
    if (!part) continue;
    view.setBigInt64(pos, BigInt(compressedLengths[i]!), true);
    body.set(part, pos + 8);
    buffers[2 * i + 1] = 8 + part.length;
    pos += align8(8 + part.length);
  }
  const header = encodeBatchHeader({
    rows: layout.rows,
    nodes: layout.nodes,
    buffers,
    variadicCounts: layout.variadicCounts,
    codec: codec.codec,
    bodyLength: size,
  });
  return { header, body };
}
