/**
 * Regenerates the results table of docs/delta-golden.md and README.md: reads every Spark-written golden
 * table with this package's Delta reader and writes the outcomes between the report markers of both files,
 * leaving the rest as it is. read-table-golden.test.ts fails when either committed table is stale.
 *
 * Usage (from the repository root): node --import tsx packages/local/scripts/delta-golden-report.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { REPORT_END, REPORT_START, renderGoldenSection } from "../src/delta/test-support/golden-report.js";
import { checkAllGoldenTables } from "../src/delta/test-support/golden-tables.js";

const documents = ["../../../docs/delta-golden.md", "../../../README.md"].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const results = await checkAllGoldenTables();
if (results.length === 0) throw new Error("No golden tables found (set ZEROBUS_DELTA_GOLDEN)");
for (const doc of documents) {
  const text = readFileSync(doc, "utf8");
  const start = text.indexOf(REPORT_START);
  const end = text.indexOf(REPORT_END);
  if (start === -1 || end === -1) throw new Error(`${doc} lacks the report markers`);
  writeFileSync(doc, text.slice(0, start) + renderGoldenSection(results) + text.slice(end + REPORT_END.length));
  console.log(`Wrote ${results.length} results to ${doc}`);
}
