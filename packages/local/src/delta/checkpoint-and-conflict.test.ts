import assert from "node:assert/strict";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { commitVersion } from "./commit-version.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaError, VersionConflictError } from "./delta-error.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import type { Snapshot } from "./snapshot.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList("n BIGINT NOT NULL, label STRING");

function comparable(snapshot: Snapshot): unknown {
  return {
    version: snapshot.version,
    protocol: snapshot.protocol,
    metadata: snapshot.metadata,
    files: snapshot.files.map((file) => ({ ...file })),
    txns: [...snapshot.txns.entries()].sort(),
  };
}

describe("checkpoints and log replay", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("checkpoints at 10 and 20 over 25 flushes, and replays the same state from them", async () => {
    const dir = join(root, "checkpoints");
    await createDeltaTable(dir, { fields: FIELDS });
    const writer = await DeltaTableWriter.open(dir, { maxRows: 1 });
    for (let i = 1; i <= 25; i++) {
      const { version } = await writer.append([{ n: BigInt(i), label: `row ${i}` }], { appId: `stream-${i % 3}`, version: BigInt(i) });
      assert.equal(version, i);
    }
    await writer.close();
    assert.equal(writer.lastCheckpointError, undefined);

    const log = (await readdir(join(dir, "_delta_log"))).filter((name) => !name.endsWith(".json")).sort();
    assert.deepEqual(log, ["00000000000000000010.checkpoint.parquet", "00000000000000000020.checkpoint.parquet", "_last_checkpoint"]);
    const last = JSON.parse(await readFile(join(dir, "_delta_log", "_last_checkpoint"), "utf8"));
    assert.deepEqual({ version: last.version, size: last.size, numOfAddFiles: last.numOfAddFiles }, { version: 20, size: 2 + 3 + 20, numOfAddFiles: 20 });

    const fromCheckpoint = await loadSnapshot(dir);
    assert.equal(fromCheckpoint.checkpointVersion, 20);
    const plainDir = join(root, "checkpoints-json-only");
    await mkdir(join(plainDir, "_delta_log"), { recursive: true });
    for (const name of await readdir(join(dir, "_delta_log"))) {
      if (name.endsWith(".json")) await copyFile(join(dir, "_delta_log", name), join(plainDir, "_delta_log", name));
    }
    const fullReplay = await loadSnapshot(plainDir);
    assert.equal(fullReplay.checkpointVersion, null);
    assert.deepEqual(comparable(fromCheckpoint), comparable(fullReplay));
    assert.equal(fromCheckpoint.txns.get("stream-1"), 25n);

    const travel = await loadSnapshot(dir, { version: 15 });
    assert.equal(travel.checkpointVersion, 10);
    assert.equal(travel.files.length, 15);
    const rows = (await readTable(dir)).rows.map((row) => row["n"]);
    assert.deepEqual(rows, Array.from({ length: 25 }, (_, i) => BigInt(i + 1)));

    await writeFile(join(dir, "_delta_log", "_last_checkpoint"), "{not json");
    const afterCorruption = await loadSnapshot(dir);
    assert.equal(afterCorruption.checkpointVersion, 20);
    assert.deepEqual(comparable(afterCorruption), comparable(fullReplay));
    await writeFile(join(dir, "_delta_log", "_last_checkpoint"), '{"version":999,"size":1}');
    assert.deepEqual(comparable(await loadSnapshot(dir)), comparable(fullReplay));
  });

  it("retries at the next version when another writer committed first", async () => {
    const dir = join(root, "conflict");
    await createDeltaTable(dir, { fields: FIELDS });
    const first = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    const second = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    assert.deepEqual(await second.append([{ n: 1n }], { appId: "b", version: 1n }), { version: 1 });
    assert.equal(first.version, 0); // stale: it has not seen version 1
    assert.deepEqual(await first.append([{ n: 2n }], { appId: "a", version: 1n }), { version: 2 });
    await Promise.all([first.close(), second.close()]);
    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.version, 2);
    assert.deepEqual([...snapshot.txns.entries()].sort(), [["a", 1n], ["b", 1n]]);
    assert.deepEqual((await readTable(dir)).rows.map((row) => row["n"]), [1n, 2n]);
  });

  it("fails the batch when another writer changed the schema", async () => {
    const dir = join(root, "schema-change");
    await createDeltaTable(dir, { fields: FIELDS });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 1 });
    const v0 = await loadSnapshot(dir);
    await commitVersion(dir, 1, [{ metaData: { ...v0.metadata, schemaString: JSON.stringify({ type: "struct", fields: [] }) } }]);
    await assert.rejects(writer.append([{ n: 1n }], { appId: "a", version: 0n }), (error: unknown) => error instanceof DeltaError && error.code === "INCOMPATIBLE_CHANGE");
    await writer.close();
    const entries = await readdir(dir);
    assert.deepEqual(entries, ["_delta_log"]); // the data file was removed
  });

  it("commitVersion never overwrites a version", async () => {
    const dir = join(root, "no-overwrite");
    await createDeltaTable(dir, { fields: FIELDS });
    await assert.rejects(commitVersion(dir, 0, [{ commitInfo: {} }]), (error: unknown) => error instanceof VersionConflictError && error.version === 0);
    const names = await readdir(join(dir, "_delta_log"));
    assert.deepEqual(names, ["00000000000000000000.json"]); // no temp file left behind
  });

  it("reports non-contiguous logs and missing tables", async () => {
    const dir = join(root, "gap");
    await createDeltaTable(dir, { fields: FIELDS });
    await commitVersion(dir, 2, [{ commitInfo: {} }]);
    await assert.rejects(loadSnapshot(dir), (error: unknown) => error instanceof DeltaError && error.code === "LOG_INVALID" && /commit 1 is missing/.test(error.message));
    await assert.rejects(loadSnapshot(join(root, "nothing-here")), (error: unknown) => error instanceof DeltaError && error.code === "TABLE_NOT_FOUND");
    await assert.rejects(loadSnapshot(dir, { version: 7 }), (error: unknown) => error instanceof DeltaError && error.code === "VERSION_NOT_FOUND");
  });
});
