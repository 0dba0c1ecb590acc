import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { commitVersion } from "./commit-version.js";
import { createDeltaTable } from "./create-delta-table.js";
import type { AddAction, DeletionVectorDescriptor } from "./delta-actions.js";
import { DeltaError, UnsupportedFeatureError } from "./delta-error.js";
import { loadSnapshot } from "./load-snapshot.js";
import { canonicalPath, deletionVectorId, LogReplay } from "./log-replay.js";
import { readTable } from "./read-table.js";
import { copyGoldenTable, GOLDEN_DIR, makeTempDir } from "./test-fixtures.js";

const PROTOCOL = { protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
const METADATA = {
  metaData: { id: "t", format: { provider: "parquet", options: {} }, schemaString: '{"type":"struct","fields":[]}', partitionColumns: [], configuration: {} },
};
const add = (path: string, deletionVector?: DeletionVectorDescriptor, size = 1): { add: AddAction } => ({
  add: { path, partitionValues: {}, size, modificationTime: 0, dataChange: true, ...(deletionVector ? { deletionVector } : {}) },
});
const remove = (path: string, deletionVector?: DeletionVectorDescriptor) => ({ remove: { path, dataChange: true, ...(deletionVector ? { deletionVector } : {}) } });
const dv = (id: string): DeletionVectorDescriptor => ({ storageType: "u", pathOrInlineDv: id, offset: 1, sizeInBytes: 34, cardinality: 1 });
const golden = (name: string) => join(GOLDEN_DIR, name, "delta");
const hasGolden = existsSync(GOLDEN_DIR);

describe("LogReplay reconciliation", () => {
  const replay = (...actions: object[]) => {
    const log = new LogReplay("/tables/t");
    for (const action of [PROTOCOL, METADATA, ...actions]) log.apply(action as never);
    return log.toSnapshot("/tables/t", 0, null);
  };

  it("keys files by canonical path: encodings, absolute paths and file: URIs of one file are one file", () => {
    assert.equal(canonicalPath("/tables/t", "a%20b/c.parquet"), "/tables/t/a b/c.parquet");
    assert.equal(canonicalPath("/tables/t", "/x/with%20space/p@%23h"), canonicalPath("/tables/t", "file:/x/with%20space/p@%23h"));
    assert.equal(canonicalPath("/tables/t", "file:///x/y"), "/x/y");
    assert.equal(canonicalPath("/tables/t", "s3://bucket/x"), "s3://bucket/x");
    assert.deepEqual(replay(add("a%20b.parquet"), remove("a b.parquet")).files, []);
    assert.deepEqual(replay(add("/x/p%40q"), remove("file:///x/p@q")).files, []);
  });

  it("keeps one logical file per path: the newest (path, deletion vector) wins and removes must match it", () => {
    // Spark's DELETE with deletion vectors: add (p, dv1) + remove (p, none), then add (p, dv2) + remove (p, dv1).
    const state = replay(add("p"), add("p", dv("dv1")), remove("p"), add("p", dv("dv2")), remove("p", dv("dv1")));
    assert.deepEqual(state.files.map((f) => f.deletionVector?.pathOrInlineDv), ["dv2"]);
    assert.equal(state.removes.length, 2);
    // A remove of another deletion vector of the same path leaves the live file alone.
    assert.equal(replay(add("p", dv("dv2")), remove("p", dv("dv1"))).files.length, 1);
    assert.equal(deletionVectorId(dv("x")), "ux@1");
    assert.equal(deletionVectorId({ storageType: "i", pathOrInlineDv: "abc", sizeInBytes: 3, cardinality: 1 }), "iabc");
  });

  it("re-adding a removed file revives it with its new metadata and drops the tombstone", () => {
    const state = replay(add("foo", undefined, 1), remove("foo"), add("foo", undefined, 2), add("bar"));
    assert.deepEqual(state.files.map((f) => [f.path, f.size]), [["foo", 2], ["bar", 1]]);
    assert.deepEqual(state.removes, []);
  });

  it("refuses a schema with a type it has no model for, naming the feature", () => {
    const variant = { metaData: { ...METADATA.metaData, schemaString: '{"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]}' } };
    assert.throws(() => replay(variant), (error: unknown) => error instanceof UnsupportedFeatureError && error.feature === "variantType");
  });

  it("keeps the latest txn per appId and drops removed domains", () => {
    const state = replay(
      { txn: { appId: "a", version: 5n } },
      { txn: { appId: "a", version: 3n } },
      { domainMetadata: { domain: "d1", configuration: "{}", removed: false } },
      { domainMetadata: { domain: "d2", configuration: "{}", removed: false } },
      { domainMetadata: { domain: "d1", configuration: "{}", removed: true } },
    );
    assert.deepEqual([...state.txns], [["a", 3n]]);
    assert.deepEqual([...state.domains.keys()], ["d2"]);
  });
});

describe("loadSnapshot", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("names the missing versions of a log with gaps", async () => {
    const dir = join(root, "gaps");
    await createDeltaTable(dir, { fields: parseColumnList("n BIGINT") });
    for (const version of [1, 3, 4, 5]) await commitVersion(dir, version, [{ commitInfo: {} }]);
    await assert.rejects(loadSnapshot(dir), /commit 2 is missing \(needed 0\.\.5, commits found 0\.\.1, 3\.\.5\)/);
    assert.equal((await loadSnapshot(dir, { version: 1 })).version, 1);
  });

  it("refuses a version older than the history that is left, and one beyond the latest", async () => {
    const dir = join(root, "cleaned");
    await createDeltaTable(dir, { fields: parseColumnList("n BIGINT") });
    await commitVersion(dir, 1, [{ commitInfo: {} }]);
    await unlink(join(dir, "_delta_log", "00000000000000000000.json"));
    await assert.rejects(loadSnapshot(dir), (e: unknown) => e instanceof DeltaError && e.code === "LOG_INVALID" && /commits start at version 1/.test(e.message));
    await assert.rejects(loadSnapshot(dir, { version: 2 }), (e: unknown) => e instanceof DeltaError && e.code === "VERSION_NOT_FOUND");
  });

  it("replays V2 checkpoints (JSON and Parquet, with sidecars) without the commits before them", { skip: !hasGolden }, async () => {
    for (const name of ["v2-checkpoint-json", "v2-checkpoint-parquet"]) {
      const dir = await copyGoldenTable(golden(name), join(root, name));
      for (const commit of ["00000000000000000000.json", "00000000000000000001.json"]) await unlink(join(dir, "_delta_log", commit));
      const snapshot = await loadSnapshot(dir);
      assert.equal(snapshot.checkpointVersion, 2, name);
      assert.equal(snapshot.files.length, 4, name);
      assert.deepEqual(snapshot.protocol.readerFeatures, ["v2Checkpoint"]);
      assert.equal((await readTable(dir)).rows.length, 10, name);
    }
  });

  it("skips a multi-part checkpoint with a missing part and a _last_checkpoint that is garbage", { skip: !hasGolden }, async () => {
    const dir = await copyGoldenTable(golden("multi-part-checkpoint"), join(root, "multi-part"));
    assert.equal((await loadSnapshot(dir)).checkpointVersion, 1);
    await writeFile(join(dir, "_delta_log", "_last_checkpoint"), "{not json");
    assert.equal((await loadSnapshot(dir)).checkpointVersion, 1, "found by listing");
    const log = join(dir, "_delta_log");
    await unlink(join(log, (await readdir(log)).find((name) => /^\d{20}\.checkpoint\.0000000002\.0000000002\.parquet$/.test(name))!));
    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.checkpointVersion, null);
    assert.equal(snapshot.files.length, 10);
  });

  it("falls back to an older checkpoint when the newest one is unreadable", { skip: !hasGolden }, async () => {
    const dir = await copyGoldenTable(golden("only-checkpoint-files"), join(root, "damaged-checkpoint"));
    await writeFile(join(dir, "_delta_log", "00000000000000000002.checkpoint.parquet"), "not parquet");
    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.checkpointVersion, 1);
    assert.equal((await readTable(dir)).rows.length, 25);
  });

  it("replays hand-written logs whose data files are not there (log-only golden tables)", { skip: !hasGolden }, async () => {
    const checkpoint = await loadSnapshot(golden("checkpoint"));
    assert.deepEqual([checkpoint.version, checkpoint.checkpointVersion, checkpoint.files.map((f) => f.path)], [14, 10, ["15"]]);
    const reAdded = await loadSnapshot(golden("delete-re-add-same-file-different-transactions"));
    assert.deepEqual(reAdded.files.map((f) => f.path), ["foo", "bar"]);
    assert.equal(reAdded.files[0]!.modificationTime, 1700000000000, "the re-add's metadata wins");
    for (const name of ["canonicalized-paths-normal-a", "canonicalized-paths-normal-b", "canonicalized-paths-special-a", "canonicalized-paths-special-b"]) {
      assert.deepEqual((await loadSnapshot(golden(name))).files, [], name);
    }
    assert.deepEqual([...(await loadSnapshot(golden("deltalog-getChanges"))).txns], [["fakeAppId", 3n]]);
    await assert.rejects(readTable(golden("checkpoint")), /The data file 15 is in the log but missing from storage/);
  });

  it("rejects logs without protocol or metaData, even when a checkpoint lacks them", { skip: !hasGolden }, async () => {
    for (const [name, missing] of [
      ["deltalog-state-reconstruction-without-protocol", "protocol"],
      ["deltalog-state-reconstruction-without-metadata", "metaData"],
      ["deltalog-state-reconstruction-from-checkpoint-missing-protocol", "protocol"],
      ["deltalog-state-reconstruction-from-checkpoint-missing-metadata", "metaData"],
    ] as const) {
      await assert.rejects(loadSnapshot(golden(name)), new RegExp(`No ${missing} action found|has no schemaString`), name);
    }
  });

  after(() => rm(root, { recursive: true, force: true }));
});
