import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { ROW_TRACKING_DOMAIN, rowIdHighWaterMark } from "./commit-actions.js";
import { commitVersion } from "./commit-version.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList("n BIGINT, region STRING");
const FEATURES = { protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "invariants", "domainMetadata", "rowTracking", "inCommitTimestamp"] } };

async function commitInfoOf(dir: string, version: number): Promise<Record<string, unknown>> {
  const text = await readFile(join(dir, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8");
  const first = JSON.parse(text.split("\n")[0]!) as Record<string, Record<string, unknown>>;
  assert.ok("commitInfo" in first, "commitInfo must be the first action");
  return first["commitInfo"]!;
}

/** A table like the ones Databricks upgrades automatically: row tracking and in-commit timestamps on. */
async function createTrackedTable(dir: string, configuration: Record<string, string>): Promise<void> {
  await createDeltaTable(dir, { fields: FIELDS, partitionColumns: ["region"], configuration });
  const { metadata } = await loadSnapshot(dir);
  await commitVersion(dir, 1, [{ commitInfo: { inCommitTimestamp: Date.now() } }, FEATURES, { metaData: metadata }]);
}

describe("row tracking and in-commit timestamps", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("assigns fresh row IDs and commit versions, records the high-water mark, and stamps commits", async () => {
    const dir = join(root, "tracked");
    await createTrackedTable(dir, { "delta.enableRowTracking": "true", "delta.enableInCommitTimestamps": "true", "delta.checkpointInterval": "3" });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
    await writer.append([{ n: 1n, region: "a" }, { n: 2n, region: "b" }, { n: 3n, region: "a" }], { appId: "s", version: 0n });
    await writer.append([{ n: 4n, region: "c" }, { n: 5n, region: "c" }], { appId: "s", version: 1n });
    await writer.close();

    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.checkpointVersion, 3, "row tracking fields survive our checkpoint");
    const ranges = snapshot.files.map((add) => [add.baseRowId, JSON.parse(add.stats!).numRecords, add.defaultRowCommitVersion]);
    assert.deepEqual(ranges, [[0, 2, 2], [2, 1, 2], [3, 2, 3]]); // a: rows 0-1, b: row 2, then c: rows 3-4
    assert.equal(rowIdHighWaterMark(snapshot), 4);
    assert.equal(JSON.parse(snapshot.domains.get(ROW_TRACKING_DOMAIN)!.configuration).rowIdHighWaterMark, 4);

    const stamps = await Promise.all([1, 2, 3].map(async (v) => (await commitInfoOf(dir, v))["inCommitTimestamp"] as number));
    assert.ok(stamps[0]! < stamps[1]! && stamps[1]! < stamps[2]!, `not increasing: ${stamps}`);
    assert.equal(snapshot.inCommitTimestamp, stamps[2], "read from the commit at the checkpoint version");
    assert.equal((await readTable(dir)).rows.length, 5);
    assert.deepEqual(await lintDeltaTable(dir), []);
  });

  it("keeps in-commit timestamps increasing past a clock that is behind, and rebuilds a commit that lost its version", async () => {
    const dir = join(root, "conflict");
    await createTrackedTable(dir, { "delta.enableInCommitTimestamps": "true" });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
    // Another writer commits version 2 first: row IDs up to 99 and a timestamp an hour ahead.
    const ahead = Date.now() + 3_600_000;
    await commitVersion(dir, 2, [{ commitInfo: { inCommitTimestamp: ahead } }, { domainMetadata: { domain: ROW_TRACKING_DOMAIN, configuration: '{"rowIdHighWaterMark":99}', removed: false } }]);
    const { version } = await writer.append([{ n: 1n, region: "x" }], { appId: "s", version: 0n });
    await writer.close();
    assert.equal(version, 3);
    assert.equal((await commitInfoOf(dir, 3))["inCommitTimestamp"], ahead + 1);
    const [add] = (await loadSnapshot(dir)).files;
    assert.deepEqual([add!.baseRowId, add!.defaultRowCommitVersion], [100, 3]);
  });

  it("assigns nothing while row tracking is suspended, and no timestamps unless enabled", async () => {
    const dir = join(root, "suspended");
    await createTrackedTable(dir, { "delta.rowTrackingSuspended": "true" });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
    await writer.append([{ n: 1n, region: "x" }], { appId: "s", version: 0n });
    await writer.close();
    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.files[0]!.baseRowId, undefined);
    assert.equal(snapshot.domains.has(ROW_TRACKING_DOMAIN), false);
    assert.equal((await commitInfoOf(dir, 2))["inCommitTimestamp"], undefined);
  });
});
