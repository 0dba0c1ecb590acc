/**
 * The SDK's token cache (OFFICIAL-2X.md §2): one OAuth token per key — (client id and secret, table) or
 * (subject-token supplier, client id, table) — reused by every stream and every reconnect until it is
 * within the refresh buffer of its expiry. Without it, 50 streams on one table make 50 token requests, and
 * every reconnect storm is also a token-endpoint storm.
 *
 * - Expiry is anchored at the moment the request *started* (a slow answer must not stretch the token's
 *   life), and capped by `notAfterMs` when the grant has one (a federated token never outlives its subject
 *   token).
 * - One refresh at a time per key: every caller that needs a token while a refresh runs awaits that one.
 * - A refresh that fails while the cached token is still valid serves the cached token, and the next
 *   refresh is held back (1 s, 2 s, 4 s, … up to 30 s) so a down endpoint is not hammered; a refresh that
 *   stalls is abandoned after `refreshTimeoutMs` (half of `recoveryTimeoutMs`, as the official core does).
 * - The buffer is at most half the token's lifetime, so a short-lived token is still reused for half its life
 *   instead of being refreshed on every request.
 */
import { ZerobusException } from "../errors.js";
import { recoveryBackoffBoundMs } from "../recovery-backoff.js";

/** A token as the token endpoint granted it. */
export interface TokenGrant {
  readonly accessToken: string;
  /** `expires_in` of the answer, in seconds; `undefined` when absent or unreadable (then it is not reused). */
  readonly expiresInSeconds: number | undefined;
  /** A wall-clock instant (ms since the epoch) the token must not be used past, e.g. the subject JWT's `exp`. */
  readonly notAfterMs?: number | undefined;
}

/** Fetches a fresh grant; `signal` aborts it when the refresh is abandoned. */
export type TokenFetcher = (signal: AbortSignal) => Promise<TokenGrant>;

/** How a {@link TokenCache} behaves. */
export interface TokenCacheOptions {
  /** Refresh this long before expiry (at most half the token's lifetime), in ms. */
  refreshBufferMs: number;
  /** The wall clock, in ms since the epoch; injected by tests. */
  now?: (() => number) | undefined;
}

/** One {@link TokenCache.get} call. */
export interface TokenCacheGetOptions {
  /** Aborts this caller's wait (not a refresh other callers share). */
  signal?: AbortSignal | undefined;
  /** Abandon a refresh that has not answered after this long, in ms. */
  refreshTimeoutMs: number;
}

interface Entry {
  token: string | undefined;
  /** Wall-clock expiry of `token`, and when to refresh it. */
  expiresAt: number;
  refreshAt: number;
  refreshing: Promise<void> | undefined;
  failures: number;
  /** No refresh before this while a valid token can be served (backoff after failures). */
  holdUntil: number;
}

/** Delay base of the backoff between failed refreshes while a cached token is still served. */
const REFRESH_BACKOFF_BASE_MS = 1_000;

/** See the module comment. */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #bufferMs: number;
  readonly #now: () => number;
  /** Token requests started (for tests and metrics). */
  fetches = 0;

  /** An empty cache. */
  constructor(options: TokenCacheOptions) {
    this.#bufferMs = options.refreshBufferMs;
    this.#now = options.now ?? Date.now;
  }

  /** A token for `key`: the cached one while fresh, else the result of one shared refresh through `fetch`. */
  async get(key: string, fetch: TokenFetcher, options: TokenCacheGetOptions): Promise<string> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { token: undefined, expiresAt: 0, refreshAt: 0, refreshing: undefined, failures: 0, holdUntil: 0 };
      this.#entries.set(key, entry);
    }
    const now = this.#now();
    if (entry.token !== undefined && now < entry.refreshAt) return entry.token;
    const valid = entry.token !== undefined && now < entry.expiresAt;
    if (valid && entry.refreshing === undefined && now < entry.holdUntil) return entry.token!;
    if (entry.refreshing === undefined) {
      entry.refreshing = this.#refresh(entry, fetch, options.refreshTimeoutMs);
      // Every caller handles the outcome, but one whose wait was aborted no longer listens.
      entry.refreshing.catch(() => {});
    }
    try {
      await abortable(entry.refreshing, options.signal);
    } catch (err) {
      // Serve the cached token while it is still valid: a token endpoint outage must not stop streams.
      if (entry.token !== undefined && this.#now() < entry.expiresAt && !options.signal?.aborted) return entry.token;
      throw err;
    }
    if (entry.token === undefined) throw new ZerobusException("Token refresh failed: no token");
    return entry.token;
  }

  /**
   * Forgets the token of `key` (the server refused it); returns whether there was one. The next `get`
   * refreshes at once.
   */
  invalidate(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry?.token === undefined) return false;
    entry.token = undefined;
    entry.expiresAt = entry.refreshAt = entry.holdUntil = 0;
    return true;
  }

  async #refresh(entry: Entry, fetch: TokenFetcher, timeoutMs: number): Promise<void> {
    const started = this.#now();
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ZerobusException(`Token fetch failed: no answer from the token endpoint after ${timeoutMs} ms`);
        abort.abort(error);
        reject(error);
      }, timeoutMs);
    });
    this.fetches++;
    try {
      const grant = await Promise.race([fetch(abort.signal), stalled]);
      this.#store(entry, grant, started);
    } catch (err) {
      entry.failures++;
      entry.holdUntil = this.#now() + recoveryBackoffBoundMs(entry.failures, REFRESH_BACKOFF_BASE_MS);
      throw err;
    } finally {
      clearTimeout(timer);
      entry.refreshing = undefined;
    }
  }

  #store(entry: Entry, grant: TokenGrant, started: number): void {
    const lifetimeMs = grant.expiresInSeconds === undefined ? 0 : grant.expiresInSeconds * 1000;
    let expiresAt = started + lifetimeMs;
    if (grant.notAfterMs !== undefined) expiresAt = Math.min(expiresAt, grant.notAfterMs);
    const life = Math.max(0, expiresAt - started);
    entry.token = grant.accessToken;
    entry.expiresAt = expiresAt;
    entry.refreshAt = expiresAt - Math.min(this.#bufferMs, life / 2);
    entry.failures = 0;
    entry.holdUntil = 0;
  }
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself carries on for others). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new ZerobusException("Token fetch failed: request aborted", { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ZerobusException("Token fetch failed: request aborted", { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
