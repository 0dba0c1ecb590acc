import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lastCheckpointChecksum } from "./last-checkpoint-checksum.js";
import { parseLosslessJson } from "./lossless-json.js";
import { GOLDEN_DIR } from "./test-fixtures.js";

describe("lastCheckpointChecksum", () => {
  it("matches the protocol's sample", () => {
    const sample = `{"k0":"'v 0'", "checksum": "adsaskfljadfkjadfkj", "k1":{"k2": 2, "k3": ["v3", [1, 2], {"k4": "v4", "k5": ["v5", "v6", "v7"]}]}}`;
    assert.equal(lastCheckpointChecksum(parseLosslessJson(sample) as never), "6a92d155a59bf2eecbd4b4ec7fd1f875");
  });

  it("matches the checksum Spark wrote in a V2-checkpoint table's _last_checkpoint", { skip: !existsSync(GOLDEN_DIR) }, () => {
    const json = parseLosslessJson(readFileSync(join(GOLDEN_DIR, "v2-checkpoint-json", "delta", "_delta_log", "_last_checkpoint"), "utf8")) as Record<string, never>;
    assert.equal(lastCheckpointChecksum(json), json["checksum"]);
  });
});
