import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "./crc32.js";
import { resolveDataPath } from "./data-paths.js";
import type { DeletionVectorDescriptor } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { decodeRoaringBitmapArray } from "./roaring-bitmap-array.js";
import { decodeZ85 } from "./z85.js";

// The Z85 text of a UUID (16 bytes) is 20 characters; a 'u' descriptor may put a prefix before it.
const UUID_Z85_LENGTH = 20;
// Deletion vector files start with this format version byte.
const DV_FILE_FORMAT_VERSION = 1;

/**
 * The rows a deletion vector removes from its data file, as ascending row indexes (protocol
 * "Deletion Vectors"). Storage types: `i` — the RoaringBitmapArray itself, Z85-encoded in the log;
 * `u` — a file `<table>/<prefix>/deletion_vector_<uuid>.bin` named by a Z85-encoded UUID after an
 * optional prefix; `p` — a file at an absolute path URI. A file holds, at `offset`, a big-endian
 * size, the bitmap and its big-endian CRC-32, after a leading format-version byte.
 *
 * @throws DeltaError (LOG_INVALID) when the descriptor, the file or the bitmap is damaged: bad
 * storage type or encoding, size or checksum mismatch, or a cardinality other than the descriptor's.
 */
export async function loadDeletedRows(tableDir: string, dv: DeletionVectorDescriptor): Promise<number[]> {
  const rows = decodeBitmap(dv, await bitmapBytes(tableDir, dv));
  if (rows.length !== Number(dv.cardinality)) {
    throw damaged(dv, `it holds ${rows.length} rows where the descriptor says ${dv.cardinality}`);
  }
  return rows;
}

/** The file a `u` or `p` deletion vector is stored in (`null` for an inline one). */
export function deletionVectorPath(tableDir: string, dv: DeletionVectorDescriptor): string | null {
  switch (dv.storageType) {
    case "i":
      return null;
    case "u": {
      const text = dv.pathOrInlineDv;
      if (text.length < UUID_Z85_LENGTH) throw damaged(dv, "its pathOrInlineDv is too short for a UUID");
      const prefix = text.slice(0, -UUID_Z85_LENGTH);
      const uuid = formatUuid(decodeOrFail(dv, text.slice(-UUID_Z85_LENGTH)));
      return join(tableDir, prefix, `deletion_vector_${uuid}.bin`);
    }
    case "p":
      return resolveDataPath(tableDir, dv.pathOrInlineDv);
    default:
      throw damaged(dv, `storage type ${JSON.stringify(dv.storageType)} is not one of u, i, p`);
  }
}

async function bitmapBytes(tableDir: string, dv: DeletionVectorDescriptor): Promise<Uint8Array> {
  const size = Number(dv.sizeInBytes);
  const path = deletionVectorPath(tableDir, dv);
  if (path === null) {
    const bytes = decodeOrFail(dv, dv.pathOrInlineDv);
    if (bytes.length < size) throw damaged(dv, `its inline data has ${bytes.length} bytes, fewer than sizeInBytes ${size}`);
    return bytes.subarray(0, size);
  }
  const offset = Number(dv.offset ?? 0);
  let handle;
  try {
    handle = await open(path, "r");
  } catch (cause) {
    throw new DeltaError("LOG_INVALID", `The deletion vector file ${path} cannot be opened`, { cause });
  }
  try {
    const version = await readExactly(handle, 0, 1);
    if (version[0] !== DV_FILE_FORMAT_VERSION) throw damaged(dv, `${path} has format version ${version[0]}, not ${DV_FILE_FORMAT_VERSION}`);
    const framed = await readExactly(handle, offset, 4 + size + 4);
    const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
    const stored = view.getUint32(0);
    if (stored !== size) throw damaged(dv, `${path} stores ${stored} bytes at offset ${offset}, the descriptor says ${size}`);
    const bitmap = framed.subarray(4, 4 + size);
    if (crc32(bitmap) !== view.getUint32(4 + size)) throw damaged(dv, `its checksum in ${path} does not match`);
    return bitmap;
  } catch (error) {
    if (error instanceof DeltaError) throw error;
    throw damaged(dv, `${path} cannot be read (${(error as Error).message})`);
  } finally {
    await handle.close();
  }
}

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new RangeError(`the file ends ${length - bytesRead} bytes early`);
  return buffer;
}

function decodeBitmap(dv: DeletionVectorDescriptor, bytes: Uint8Array): number[] {
  try {
    return decodeRoaringBitmapArray(bytes);
  } catch (error) {
    throw damaged(dv, (error as Error).message);
  }
}

function decodeOrFail(dv: DeletionVectorDescriptor, text: string): Uint8Array {
  try {
    return decodeZ85(text);
  } catch (error) {
    throw damaged(dv, `its Z85 text is invalid (${(error as Error).message})`);
  }
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function damaged(dv: DeletionVectorDescriptor, problem: string): DeltaError {
  return new DeltaError("LOG_INVALID", `Deletion vector ${dv.storageType}${dv.pathOrInlineDv} is unusable: ${problem}`);
}
