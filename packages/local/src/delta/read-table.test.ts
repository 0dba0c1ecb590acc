import assert from "node:assert/strict";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaError } from "./delta-error.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { loadSnapshot } from "./load-snapshot.js";
import type { ParquetCodec } from "./parquet-encoder.js";
import { readTable } from "./read-table.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList("n BIGINT, s STRING");
const CODECS: ParquetCodec[] = ["uncompressed", "snappy", "gzip", "zstd", "lz4", "lz4_raw", "brotli"];

describe("readTable", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("reads data files of every Parquet codec", async () => {
    for (const codec of CODECS) {
      const dir = join(root, codec);
      await createDeltaTable(dir, { fields: FIELDS, configuration: { "delta.parquet.compression.codec": codec } });
      const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
      const rows = Array.from({ length: 50 }, (_, i) => ({ n: BigInt(i) * 2n ** 40n, s: `row ${i} `.repeat(i % 5) }));
      await writer.append(rows, { appId: "a", version: 0n });
      await writer.close();
      assert.deepEqual((await readTable(dir)).rows, rows, codec);
    }
  });

  it("stops at a limit and says whether rows were left", async () => {
    const dir = join(root, "limit");
    await createDeltaTable(dir, { fields: FIELDS });
    const writer = await DeltaTableWriter.open(dir, { maxDelayMs: 0 });
    for (let i = 0; i < 3; i++) await writer.append([{ n: BigInt(2 * i) }, { n: BigInt(2 * i + 1) }], { appId: "a", version: BigInt(i) });
    await writer.close();
    const cut = await readTable(dir, { limit: 3 });
    assert.deepEqual([cut.rows.map((r) => r["n"]), cut.truncated], [[0n, 1n, 2n], true]);
    assert.equal((await readTable(dir, { limit: 6 })).truncated, false);
    assert.equal((await readTable(dir, { limit: 0 })).rows.length, 0);
    assert.deepEqual((await readTable(dir, { version: 1 })).rows.map((r) => r["n"]), [0n, 1n]);
    await assert.rejects(readTable(dir, { limit: -1 }), RangeError);
  });

  it("names a data file that is in the log but missing", async () => {
    const dir = join(root, "limit");
    await unlink(join(dir, (await loadSnapshot(dir)).files[1]!.path));
    await assert.rejects(readTable(dir), (error: unknown) => error instanceof DeltaError && error.code === "LOG_INVALID" && /is in the log but missing from storage/.test(error.message));
    assert.equal((await readTable(dir, { limit: 1 })).rows.length, 1, "files past the limit are not opened");
  });
});
