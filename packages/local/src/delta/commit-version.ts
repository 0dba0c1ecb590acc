import { randomUUID } from "node:crypto";
import { link, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { DeltaAction } from "./delta-actions.js";
import { VersionConflictError } from "./delta-error.js";
import { isErrno, syncDirectory, writeNewFileDurably } from "./durable-fs.js";
import { actionToJsonLine } from "./action-json.js";
import { commitFileName, logDir } from "./log-files.js";

/**
 * Atomically publishes `actions` as version `version` of the table: the commit file appears whole or
 * not at all, and never replaces an existing one.
 *
 * Recipe (DELTA.md §1.6): write a temp file in `_delta_log/` (its name matches no log pattern, so
 * readers ignore it) and fsync it; hard-link it to the final name, which fails with EEXIST when the
 * version is taken; remove the temp name; fsync the directory so the new entry is durable.
 *
 * @throws VersionConflictError when another writer already committed `version`.
 */
export async function commitVersion(dir: string, version: number, actions: readonly DeltaAction[]): Promise<void> {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`Invalid Delta version ${version}`);
  const log = logDir(dir);
  const text = actions.map(actionToJsonLine).join("\n") + "\n";
  const temp = join(log, `.tmp-${randomUUID()}.json`);
  await writeNewFileDurably(temp, text);
  try {
    await link(temp, join(log, commitFileName(version)));
  } catch (error) {
    if (isErrno(error, "EEXIST")) throw new VersionConflictError(version, { cause: error });
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDirectory(log);
}
