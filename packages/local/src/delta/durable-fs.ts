import { open } from "node:fs/promises";

/**
 * Writes a new file and fsyncs it before returning, so its bytes survive a crash once the caller makes
 * it reachable. Opens with `wx`: the name must not exist (data files and temp files are never reused).
 */
export async function writeNewFileDurably(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs a directory so that entries created in it (new files, links, renames) are durable. Some
 * platforms (Windows) cannot open directories; there the call is a no-op, since nothing better exists.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
  } catch (error) {
    if (isErrno(error, "EISDIR") || isErrno(error, "EPERM")) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // EINVAL/EBADF: the filesystem does not support fsync on directories; nothing more can be done.
    if (!isErrno(error, "EINVAL") && !isErrno(error, "EBADF")) throw error;
  } finally {
    await handle.close();
  }
}

/** Whether an unknown error is a Node system error with the given errno code. */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
