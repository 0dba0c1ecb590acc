/**
 * A file as a stream of UTF-8 text chunks, read with backpressure (one chunk at a time, never the whole
 * file), reporting the bytes consumed for progress.
 */
import { createReadStream } from "node:fs";
import { TextDecoder } from "node:util";
import { CliError } from "../cli-error.js";

const CHUNK_BYTES = 256 * 1024;

/** Yields the file's text chunk by chunk; `onBytes` gets each chunk's size in bytes as it is read. */
export async function* readTextChunks(path: string, onBytes: (bytes: number) => void = () => {}): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let offset = 0;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decode(decoder, chunk, path, offset);
      offset += chunk.length;
      onBytes(chunk.length);
      if (text !== "") yield text;
    }
    const rest = decode(decoder, undefined, path, offset);
    if (rest !== "") yield rest;
  } finally {
    stream.destroy();
  }
}

function decode(decoder: TextDecoder, chunk: Buffer | undefined, path: string, offset: number): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch (err) {
    throw new CliError(`${path}: not valid UTF-8 text (in the bytes from offset ${offset})`, { cause: err });
  }
}
