import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { countTableRows } from "./count-table-rows.js";
import { DeltaError } from "./delta-error.js";
import { readTable } from "./read-table.js";
import { listGoldenTables } from "./test-support/golden-tables.js";

describe("countTableRows", () => {
  const tables = listGoldenTables();

  it("agrees with reading every row, on every golden table that can be read (stats, deletion vectors, none)", { skip: tables.length === 0 && "no golden tables" }, async () => {
    let compared = 0;
    for (const table of tables) {
      const read = await readTable(table.dir).catch((err: unknown) => err as Error);
      const counted = await countTableRows(table.dir).catch((err: unknown) => err as Error);
      if (read instanceof Error) {
        assert.ok(counted instanceof Error, `${table.name}: read fails (${read.message}) but counting does not`);
        continue;
      }
      assert.ok(!(counted instanceof Error), `${table.name}: ${String(counted)}`);
      assert.deepEqual(counted, { version: read.version, rows: read.rows.length }, table.name);
      compared++;
    }
    assert.ok(compared >= 50, `only ${compared} golden tables compared`);
  });

  it("refuses a directory that holds no table, as readTable does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "count-rows-"));
    try {
      await assert.rejects(countTableRows(dir), (err: unknown) => err instanceof DeltaError && err.code === "TABLE_NOT_FOUND");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
