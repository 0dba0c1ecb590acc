/**
 * What every end-to-end test needs: a temp data directory removed afterwards, the local service on
 * ephemeral loopback ports, the path of a table's directory, and deadlines instead of sleeps.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalService, type LocalService, type LocalServiceOptions } from "@zerobus-ts/local";

/** A fresh temp directory and its removal. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "zerobus-e2e-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts the service on `dataDir` with ephemeral ports and a short group-commit delay. */
export function startService(dataDir: string, options: LocalServiceOptions = {}): Promise<LocalService> {
  return startLocalService({ ...options, dataDir, port: 0, commit: { maxDelayMs: 10, ...options.commit } });
}

/** The directory of a table under a data directory (`<dataDir>/<catalog>/<schema>/<table>`). */
export function tableDir(dataDir: string, fullName: string): string {
  return join(dataDir, ...fullName.toLowerCase().split("."));
}

/** Rejects if `promise` does not settle within `ms`; tests bound every wait this way instead of sleeping. */
export function within<T>(ms: number, promise: Promise<T>, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The rejection reason of `promise` (bounded by `ms`); fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>, what: string, ms = 15_000): Promise<Error> {
  const outcome = await within(ms, promise.then(() => undefined, (err: unknown) => ({ err })), what);
  if (outcome === undefined) throw new Error(`${what} succeeded, but it should have failed`);
  return outcome.err as Error;
}
