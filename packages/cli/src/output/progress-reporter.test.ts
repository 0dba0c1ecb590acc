import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, formatProgress } from "./progress-reporter.js";

test("progress: a bar on a terminal, a plain line otherwise, with rate and ETA from bytes read", () => {
  const snapshot = { records: 12_345, bytes: 3_200_000 };
  // 3.2 of 6.4 MB in 2 s: 2 s to go.
  assert.equal(formatProgress(snapshot, 6_400_000, 2_000, true), "[############------------]  50%  12,345 records  3.2/6.4 MB  6,173 records/s  ETA 0:02");
  assert.equal(formatProgress(snapshot, 6_400_000, 2_000, false), "ingest: 50%, 12,345 records, 3.2/6.4 MB, 6,173 records/s, ETA 0:02");
  assert.match(formatProgress({ records: 0, bytes: 0 }, 100, 0, false), /ETA --$/);
  assert.match(formatProgress({ records: 0, bytes: 0 }, 0, 10, true), /^\[-{24}\] {3}0%/);
});

test("durations read as m:ss or h:mm:ss", () => {
  assert.equal(formatDuration(7), "0:07");
  assert.equal(formatDuration(754), "12:34");
  assert.equal(formatDuration(3723), "1:02:03");
  assert.equal(formatDuration(-1), "0:00");
});
