import assert from "node:assert/strict";
import { test } from "node:test";
import { boundMessage, clip, MESSAGE_MAX_BYTES, quote, quoteList } from "./bounded-text.js";

test("quote keeps short text whole and cuts long text to a prefix with its length", () => {
  assert.equal(quote("id"), '"id"');
  const long = "9".repeat(100_000);
  assert.equal(quote(long, 8), '"99999999"… (100000 characters)');
  assert.equal(clip(long, 4), "9999… (100000 characters)");
});

test("quote never splits a surrogate pair", () => {
  assert.equal(quote("a😀b", 2), '"a"… (4 characters)');
});

test("quoteList names the first items and counts the rest", () => {
  assert.equal(quoteList(["a", "b"]), '"a", "b"');
  const many = Array.from({ length: 10_000 }, (_, i) => `f${i}`);
  assert.equal(quoteList(many, 2), '"f0", "f1", … (10000 in all)');
});

test("boundMessage caps a message in UTF-8 bytes, ASCII or not", () => {
  assert.equal(boundMessage("short"), "short");
  for (const unit of ["x", "é", "中", "😀"]) {
    const out = boundMessage(unit.repeat(200_000));
    assert.ok(Buffer.byteLength(out) <= MESSAGE_MAX_BYTES, `${unit}: ${Buffer.byteLength(out)}`);
    assert.match(out, /message cut: \d+ characters\)$/);
  }
});
