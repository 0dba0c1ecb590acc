/** The part of `lz4js` (pure-JavaScript LZ4, no type declarations of its own) the service uses. */
declare module "lz4js" {
  /** Decompresses an LZ4 frame from `src` into `dst`; returns the number of bytes written. */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  /** Compresses `src` into an LZ4 frame (used by tests to make compressed bodies). */
  export function compress(src: Uint8Array): Uint8Array;
}
