import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZerobusException } from "../errors.js";
import { TokenCache, type TokenGrant } from "./token-cache.js";

/** A cache on a hand-driven clock, and a fetcher whose answers the test releases one by one. */
function setup(refreshBufferMs = 300_000) {
  let now = 1_000_000;
  const cache = new TokenCache({ refreshBufferMs, now: () => now });
  const pending: Array<{ resolve(grant: TokenGrant): void; reject(err: Error): void; signal: AbortSignal }> = [];
  const fetch = (signal: AbortSignal) => new Promise<TokenGrant>((resolve, reject) => pending.push({ resolve, reject, signal }));
  const get = (timeoutMs = 5_000) => cache.get("k", fetch, { refreshTimeoutMs: timeoutMs });
  return { cache, pending, get, advance: (ms: number) => void (now += ms), now: () => now };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("TokenCache", () => {
  it("one refresh however many callers; reused until expires_in minus the buffer, anchored at the request's start", async () => {
    const t = setup();
    const callers = Array.from({ length: 50 }, () => t.get());
    assert.equal(t.pending.length, 1, "one request for 50 callers");
    t.advance(10_000); // a slow answer: the 10 s count against the token's life
    t.pending[0]!.resolve({ accessToken: "A", expiresInSeconds: 3600 });
    assert.deepEqual(new Set(await Promise.all(callers)), new Set(["A"]));
    assert.equal(t.cache.fetches, 1);
    t.advance(3_600_000 - 300_000 - 10_000 - 1); // 1 ms before the refresh point
    assert.equal(await t.get(), "A");
    t.advance(1);
    const refreshed = t.get();
    assert.equal(t.pending.length, 2);
    t.pending[1]!.resolve({ accessToken: "B", expiresInSeconds: "3600" as unknown as number });
    assert.equal(await refreshed, "B");
  });

  it("serves the cached token while a refresh fails and it is still valid, backing off between refreshes; fails once it expired", async () => {
    const t = setup();
    const first = t.get();
    t.pending[0]!.resolve({ accessToken: "A", expiresInSeconds: 600 }); // buffer capped at half: refresh after 300 s
    assert.equal(await first, "A");
    t.advance(301_000);
    const during = t.get();
    t.pending[1]!.reject(new ZerobusException("Token fetch failed: 503"));
    assert.equal(await during, "A", "outage: the cached token is served");
    assert.equal(await t.get(), "A", "held back: no new request right after a failure");
    assert.equal(t.pending.length, 2);
    t.advance(1_001);
    const retry = t.get();
    assert.equal(t.pending.length, 3, "tried again after the backoff");
    t.pending[2]!.reject(new ZerobusException("Token fetch failed: 503"));
    assert.equal(await retry, "A");
    t.advance(300_000); // past expiry
    const late = t.get();
    t.pending[3]!.reject(new ZerobusException("Token fetch failed: 503"));
    await assert.rejects(late, /503/);
  });

  it("a stalled refresh is abandoned after refreshTimeoutMs (aborting the request); invalidate forces a refresh", async () => {
    const t = setup();
    const stalled = t.get(20);
    await assert.rejects(stalled, (err: unknown) => err instanceof ZerobusException && err.retriable && /no answer .* after 20 ms/.test(err.message));
    assert.equal(t.pending[0]!.signal.aborted, true);
    const next = t.get();
    t.pending[1]!.resolve({ accessToken: "A", expiresInSeconds: 3600 });
    assert.equal(await next, "A");
    assert.equal(t.cache.invalidate("k"), true);
    assert.equal(t.cache.invalidate("k"), false);
    const after = t.get();
    await settle();
    assert.equal(t.pending.length, 3);
    t.pending[2]!.resolve({ accessToken: "B", expiresInSeconds: 3600 });
    assert.equal(await after, "B");
  });

  it("a caller whose wait is aborted leaves the refresh running for the others, with no unhandled rejection", async () => {
    const t = setup();
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(t.cache.get("k", (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("x")))), { signal: abort.signal, refreshTimeoutMs: 10 }), /aborted/);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the abandoned refresh times out meanwhile
    const next = t.get();
    t.pending[0]!.resolve({ accessToken: "A", expiresInSeconds: 60 });
    assert.equal(await next, "A");
  });

  it("a grant's notAfterMs caps its life; a grant without expires_in is not reused", async () => {
    const t = setup();
    const first = t.get();
    t.pending[0]!.resolve({ accessToken: "A", expiresInSeconds: 3600, notAfterMs: t.now() + 60_000 });
    assert.equal(await first, "A");
    t.advance(30_001); // half of the 60 s left
    const capped = t.get();
    assert.equal(t.pending.length, 2, "refreshed by the subject token's exp, not expires_in");
    t.pending[1]!.resolve({ accessToken: "B", expiresInSeconds: undefined });
    assert.equal(await capped, "B");
    const again = t.get();
    assert.equal(t.pending.length, 3);
    t.pending[2]!.resolve({ accessToken: "C", expiresInSeconds: 10 });
    assert.equal(await again, "C");
  });
});
