// lz4js ships no type declarations; this is the one function the SDK calls.
declare module "lz4js" {
  /** Compresses `data` into one LZ4 frame. */
  export function compress(data: Uint8Array, maxSize?: number): Uint8Array;
  /** Decompresses one LZ4 frame. */
  export function decompress(data: Uint8Array, maxSize?: number): Uint8Array;
}
