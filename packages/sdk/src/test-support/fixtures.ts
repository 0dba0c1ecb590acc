/**
 * Shared test fixtures: a static headers provider, JSON-stream options, and a deadline wrapper so a
 * test that waits on an event fails with a message instead of hanging.
 */
export const TABLE = "main.default.events";

/** A headers provider returning a fixed token for {@link TABLE}. */
export const staticHeaders = (table = TABLE) => () =>
  [
    ["authorization", "Bearer test-token"],
    ["x-databricks-zerobus-table-name", table],
  ] as Array<[string, string]>;

/**
 * Fast-failing options for tests: short timeouts, no long backoffs, and one record per request, so a
 * scripted server sees exactly the requests a test makes. Coalescing has tests of its own
 * (`stream-coalescing.test.ts`), and the soak and local-service fault tests run with it on.
 */
export const FAST = { recoveryBackoffMs: 10, recoveryTimeoutMs: 2_000, flushTimeoutMs: 5_000, maxRecordsPerRequest: 1 } as const;

/** Rejects if `promise` does not settle within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves once `condition()` holds, polling on the event loop (no fixed sleeps), within `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
