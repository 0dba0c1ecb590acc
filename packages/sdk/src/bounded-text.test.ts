import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundedList, boundedText } from "./bounded-text.js";
import { createRecordEncoder } from "./record-encoding.js";
import { resolveStreamOptions } from "./options.js";
import { NonRetriableException } from "./errors.js";

describe("bounded error text", () => {
  it("keeps short text, cuts long text to a prefix saying how long it was, never splitting a surrogate pair", () => {
    assert.equal(boundedText("short"), "short");
    assert.equal(boundedText("x".repeat(600), 10), "xxxxxxxxxx… (600 characters in all)");
    assert.equal(boundedText(`abc${"😀".repeat(10)}`, 4), "abc… (23 characters in all)");
    assert.equal(boundedList(Array.from({ length: 30 }, (_, i) => `f${i}`), 3), "f0, f1, f2, … and 27 more");
  });

  it("an SDK error about a record or an option with a 200,000-character key stays a few KB", () => {
    const json = createRecordEncoder("json", undefined);
    const cyclic: Record<string, unknown> = { ["k".repeat(200_000)]: 1 };
    cyclic.self = cyclic;
    assert.throws(() => json(cyclic, 0), (err: unknown) => err instanceof NonRetriableException && err.message.length < 2_000);
    assert.throws(() => resolveStreamOptions({ ["o".repeat(200_000)]: 1 }), (err: unknown) => err instanceof Error && err.message.length < 300);
  });
});
