import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseColumnList } from "../schema/parse-sql-type.js";
import type { Row } from "../schema/delta-type.js";
import { buildArrowData } from "./arrow-builders.js";
import { createDeltaTable } from "./create-delta-table.js";
import { DeltaTableWriter } from "./delta-table-writer.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { makeTempDir } from "./test-fixtures.js";

const FIELDS = parseColumnList("device_name STRING, temp INT, humidity BIGINT NOT NULL, at TIMESTAMP");
const row = (i: number): Row => ({ device_name: i % 3 === 0 ? null : `sensor-${i}`, temp: i % 40, humidity: BigInt(i), at: BigInt(i) * 1_000_000n });
const columnsOf = (rows: Row[]) => ({ numRows: rows.length, columns: FIELDS.map((f) => buildArrowData(f.type, rows.map((r) => r[f.name]))) });

describe("DeltaTableWriter.appendArrowColumns", () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir: root, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("shares one commit with row appends (one file each), with stats and txns, and reads back exactly", async () => {
    const dir = join(root, "mixed");
    await createDeltaTable(dir, { fields: FIELDS, name: "mixed" });
    const writer = await DeltaTableWriter.open(dir, { maxRows: 1_000_000, maxDelayMs: 60_000 });
    const rows = Array.from({ length: 30 }, (_, i) => row(i));
    const appends = [
      writer.append(rows.slice(0, 10), { appId: "records", version: 0n }),
      writer.appendArrowColumns(columnsOf(rows.slice(10, 25)), { appId: "flight", version: 0n }),
      writer.appendArrowColumns(columnsOf(rows.slice(25)), { appId: "flight", version: 1n }),
    ];
    await writer.close();
    assert.deepEqual((await Promise.all(appends)).map((r) => r.version), [1, 1, 1]);
    const table = await readTable(dir);
    assert.equal(table.files.length, 2, "one file of rows, one of columns");
    const snapshot = await loadSnapshot(dir);
    assert.deepEqual(Object.fromEntries(snapshot.txns), { records: 0n, flight: 1n });
    const stats = snapshot.files.map((f) => JSON.parse(f.stats as string) as { numRecords: number; minValues: Record<string, unknown>; nullCount: Record<string, number> });
    const columnFile = stats.find((s) => s.numRecords === 20)!;
    assert.deepEqual(columnFile.minValues, { device_name: "sensor-10", temp: 10, humidity: 10, at: "1970-01-01T00:00:10.000Z" });
    assert.equal(columnFile.nullCount.device_name, 6, "rows 12, 15, …, 27");
    assert.deepEqual([...table.rows].sort((a, b) => Number(a.humidity) - Number(b.humidity)), rows);
    assert.deepEqual(await lintDeltaTable(dir), []);
  });
});
