import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { readTable } from "./read-table.js";
import { REPORT_END, REPORT_START, renderGoldenSection, summarize } from "./test-support/golden-report.js";
import { checkGoldenTable, compareRows, describeReplay, expectedRows, listGoldenTables, type GoldenResult } from "./test-support/golden-tables.js";
import { GOLDEN_DIR } from "./test-fixtures.js";

/**
 * Every Spark-written golden table (DELTA.md §3.3): tables with `expected/` rows must read exactly
 * those rows (order aside) or be refused naming a feature; the others must fail, if at all, with the
 * error their damage calls for — never crash. The results must match docs/delta-golden.md.
 */
const tables = listGoldenTables();
const DOC = fileURLToPath(new URL("../../../../docs/delta-golden.md", import.meta.url));
const README = fileURLToPath(new URL("../../../../README.md", import.meta.url));

// Tables without expected/ rows that are broken on purpose, and the error code each must give.
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  checkpoint: "LOG_INVALID", // hand-written log; data files not included
  "data-reader-absolute-paths-escaped-chars": "LOG_INVALID", // no metaData
  "delete-re-add-same-file-different-transactions": "LOG_INVALID", // data files not included
  "deltalog-commit-info": "LOG_INVALID", // metaData without schemaString
  "deltalog-invalid-protocol-version": "UNSUPPORTED_FEATURE", // reader version 99
  "deltalog-state-reconstruction-from-checkpoint-missing-metadata": "LOG_INVALID",
  "deltalog-state-reconstruction-from-checkpoint-missing-protocol": "LOG_INVALID",
  "deltalog-state-reconstruction-without-metadata": "LOG_INVALID",
  "deltalog-state-reconstruction-without-protocol": "LOG_INVALID",
  hive: "TABLE_NOT_FOUND", // a folder of tables, not a table
  "log-replay-special-characters-b": "LOG_INVALID", // data file not included
  "no-delta-log-folder": "TABLE_NOT_FOUND",
  "update-deleted-directory": "LOG_INVALID", // metaData without schemaString
  "versions-not-contiguous": "LOG_INVALID",
};

describe("readTable on every Spark-written golden table", { skip: tables.length === 0 && `no golden tables at ${GOLDEN_DIR}` }, () => {
  const results: GoldenResult[] = [];

  for (const table of tables) {
    it(table.name, async () => {
      const outcome = await checkGoldenTable(table);
      results.push({ table, outcome, replay: await describeReplay(table.dir) });
      if (outcome.kind === "failed") assert.notEqual(outcome.code, "CRASH", outcome.message);
      const expectedFailure = EXPECTED_FAILURES[table.name];
      if (expectedFailure !== undefined) {
        const code = outcome.kind === "refused" ? "UNSUPPORTED_FEATURE" : outcome.kind === "failed" ? outcome.code : "none";
        assert.equal(code, expectedFailure, JSON.stringify(outcome));
      } else if (table.expectedDir !== null) {
        if (outcome.kind === "refused") assert.ok(outcome.message.includes(outcome.feature), outcome.message); // refused by name
        else assert.equal(outcome.kind, "match", JSON.stringify(outcome));
      } else {
        assert.equal(outcome.kind, "read", JSON.stringify(outcome));
      }
    });
  }

  it("reads at least 90% of the tables with expected rows exactly", () => {
    const summary = summarize(results);
    assert.equal(summary.withExpected, tables.filter((t) => t.expectedDir !== null).length);
    assert.ok(summary.exact >= 0.9 * summary.withExpected, JSON.stringify(summary));
    assert.equal(summary.other, 0, JSON.stringify(summary));
  });

  for (const [name, path] of [["docs/delta-golden.md", DOC], ["README.md", README]] as const) {
    it(`${name} shows these results`, { skip: !existsSync(path) && `${name} is missing` }, () => {
      const doc = readFileSync(path, "utf8");
      const committed = doc.slice(doc.indexOf(REPORT_START), doc.indexOf(REPORT_END) + REPORT_END.length);
      const sorted = [...results].sort((a, b) => (a.table.name < b.table.name ? -1 : 1));
      assert.equal(committed, renderGoldenSection(sorted), "stale: run node --import tsx packages/local/scripts/delta-golden-report.ts");
    });
  }
});

describe("time travel on golden tables", { skip: tables.length === 0 && "no golden tables" }, () => {
  // Tables that are earlier stages of another table's history, so their expected rows are that
  // table's rows at an earlier version.
  const cases: Array<[string, number, string]> = [
    ["time-travel-start-start20-start40", 0, "time-travel-start"],
    ["time-travel-start-start20-start40", 1, "time-travel-start-start20"],
    ["time-travel-start-start20-start40", 2, "time-travel-start-start20-start40"],
    ["time-travel-schema-changes-b", 0, "time-travel-schema-changes-a"],
    ["time-travel-partition-changes-b", 0, "time-travel-partition-changes-a"],
    ["snapshot-data3", 0, "snapshot-data0"],
    ["snapshot-data3", 1, "snapshot-data1"],
    ["snapshot-data3", 2, "snapshot-data2"],
    ["snapshot-data2-deleted", 3, "snapshot-data3"],
  ];
  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const [name, version, expected] of cases) {
    it(`${name} at version ${version} is ${expected}`, async () => {
      const contents = await readTable(byName.get(name)!.dir, { version });
      assert.equal(contents.version, version);
      const outcome = compareRows(contents.rows, expectedRows(byName.get(expected)!, contents.fields));
      assert.equal(outcome.kind, "match", JSON.stringify(outcome));
    });
  }

  it("reads the log of a version before a checkpoint without the checkpoint", async () => {
    const table = byName.get("basic-with-inserts-deletes-checkpoint")!;
    const latest = await readTable(table.dir);
    const early = await readTable(table.dir, { version: 4 });
    assert.ok(early.rows.length > 0 && early.rows.length !== latest.rows.length);
    assert.equal((await readTable(table.dir, { version: 4, limit: 3 })).rows.length, 3);
  });
});
