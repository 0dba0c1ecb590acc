/// <reference path="./lz4js.d.ts" />
/**
 * The IPC body compression codecs (ARROW-FLIGHT.md §2), loaded only by an Arrow stream that asks for one:
 * LZ4 frames with `lz4js` (pure JavaScript) and Zstandard with `@bokuweb/zstd-wasm` (WebAssembly). Both run
 * on Node 18+, Bun and Deno without native add-ons; README "Dependencies and why" has the measurements.
 */
import { NonRetriableException } from "../errors.js";
import { IpcCompressionType } from "./arrow-types.js";

/** A codec: its `CompressionType` number in the IPC header, and its compressor. */
export interface BodyCodec {
  readonly codec: IpcCompressionType;
  compress(data: Uint8Array): Uint8Array;
}

/**
 * Zstandard level 1: at Arrow column data it compressed about as well as level 3 (ratio 0.12 both) at 1.6×
 * the speed, and the stream's CPU is what the bench measures.
 */
const ZSTD_LEVEL = 1;

let zstd: Promise<BodyCodec> | undefined;

async function loadZstd(): Promise<BodyCodec> {
  const wasm = await import("@bokuweb/zstd-wasm");
  await wasm.init();
  return { codec: IpcCompressionType.Zstd, compress: (data) => wasm.compress(data, ZSTD_LEVEL) };
}

async function loadLz4(): Promise<BodyCodec> {
  const lz4 = await import("lz4js");
  const compress = lz4.compress ?? (lz4 as unknown as { default: typeof lz4 }).default.compress;
  return { codec: IpcCompressionType.Lz4Frame, compress: (data) => compress(data) };
}

/** The codec for `type`, loaded once per process. */
export async function loadBodyCodec(type: IpcCompressionType): Promise<BodyCodec> {
  try {
    if (type === IpcCompressionType.Lz4Frame) return await loadLz4();
    zstd ??= loadZstd();
    return await zstd;
  } catch (err) {
    zstd = undefined;
    const name = IpcCompressionType[type];
    throw new NonRetriableException(`Could not load the ${name} codec: ${(err as Error).message}`, { cause: err });
  }
}
