import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { commitVersion } from "./commit-version.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lastCheckpointChecksum } from "./last-checkpoint-checksum.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { decodeParquet } from "./parquet-decoder.js";
import { checkpointActions, parseIntervalMs, writeCheckpoint } from "./write-checkpoint.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList("n BIGINT");
const DAY = 86_400_000;

describe("writeCheckpoint", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("writes the spec's V1 columns, one action per row, and reads back as the same state", async () => {
    const dir = join(root, "v1");
    await createDeltaTable(dir, { fields: FIELDS });
    await commitVersion(dir, 1, [
      { txn: { appId: "big", version: 2n ** 63n - 1n } },
      { domainMetadata: { domain: "delta.someDomain", configuration: "{}", removed: false } },
      { add: { path: "a.parquet", partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, stats: '{"numRecords":1}', deletionVector: { storageType: "i", pathOrInlineDv: "abcde", sizeInBytes: 4, cardinality: 2 } } },
    ]);
    const snapshot = await loadSnapshot(dir);
    await writeCheckpoint(snapshot);
    const decoded = decodeParquet(await readFile(join(dir, "_delta_log", "00000000000000000001.checkpoint.parquet")));
    assert.deepEqual([...decoded.columns.keys()], ["txn", "add", "remove", "metaData", "protocol", "domainMetadata"]);
    const removeFields = decoded.fields.find((field) => field.name === "remove")!.type.children.map((child: { name: string }) => child.name);
    assert.ok(!removeFields.includes("stats") && !removeFields.includes("tags"), "tombstones carry no stats or tags");
    const back = await loadSnapshot(dir);
    assert.equal(back.checkpointVersion, 1);
    assert.deepEqual(back.files, snapshot.files);
    assert.deepEqual([...back.txns], [["big", 2n ** 63n - 1n]]);
    assert.deepEqual([...back.domains.keys()], ["delta.someDomain"]);
    const issues = (await lintDeltaTable(dir)).filter((issue) => !issue.file.startsWith("data file"));
    assert.deepEqual(issues, []);
  });

  it("writes _last_checkpoint with the protocol's checksum; a hint whose checksum fails is ignored", async () => {
    const dir = join(root, "checksum");
    await createDeltaTable(dir, { fields: FIELDS });
    await writeCheckpoint(await loadSnapshot(dir));
    await commitVersion(dir, 1, [{ commitInfo: {} }]);
    const last = await writeCheckpoint(await loadSnapshot(dir));
    const file = join(dir, "_delta_log", "_last_checkpoint");
    const written = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    assert.equal(written["checksum"], lastCheckpointChecksum({ ...last }));
    // A valid hint naming the older checkpoint is followed; the same hint with a bad checksum is not.
    const older = { version: 0, size: 2 };
    await writeFile(file, JSON.stringify({ ...older, checksum: lastCheckpointChecksum(older) }));
    assert.equal((await loadSnapshot(dir)).checkpointVersion, 0);
    await writeFile(file, JSON.stringify({ ...older, checksum: "0".repeat(32) }));
    assert.equal((await loadSnapshot(dir)).checkpointVersion, 1);
  });

  it("keeps tombstones only for delta.deletedFileRetentionDuration, and leaves stats out when asked", async () => {
    const dir = join(root, "tombstones");
    await createDeltaTable(dir, { fields: FIELDS, configuration: { "delta.deletedFileRetentionDuration": "interval 2 days", "delta.checkpoint.writeStatsAsJson": "false" } });
    const now = Date.now();
    await commitVersion(dir, 1, [
      { add: { path: "live.parquet", partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, stats: '{"numRecords":1}' } },
      { remove: { path: "old.parquet", deletionTimestamp: now - 3 * DAY, dataChange: true } },
      { remove: { path: "recent.parquet", deletionTimestamp: now - DAY, dataChange: true } },
    ]);
    const actions = checkpointActions(await loadSnapshot(dir), now);
    assert.deepEqual(actions.filter((a) => "remove" in a).map((a) => ("remove" in a ? a.remove.path : "")), ["recent.parquet"]);
    assert.deepEqual(actions.filter((a) => "add" in a).map((a) => ("add" in a ? a.add.stats : "x")), [undefined]);
    assert.equal(parseIntervalMs("interval 1 week"), 7 * DAY);
    assert.equal(parseIntervalMs("36 hours"), 36 * 3_600_000);
    assert.equal(parseIntervalMs("interval 1 fortnight"), undefined);
  });

  it("writes no checkpoints for a table that wants typed stats in them", async () => {
    const dir = join(root, "stats-as-struct");
    await createDeltaTable(dir, { fields: FIELDS, configuration: { "delta.checkpoint.writeStatsAsStruct": "true", "delta.checkpointInterval": "1" } });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
    await writer.append([{ n: 1n }], { appId: "a", version: 0n });
    await writer.close();
    assert.ok(!(await readdir(join(dir, "_delta_log"))).some((name) => name.includes("checkpoint")));
  });
});
