// Measures turning an apache-arrow RecordBatch into a frame: the SDK's own column layout (recordBatchFrame)
// against apache-arrow's VectorAssembler (the fallback), on the bench's air-quality batches, whole and as
// slices at an unaligned row (the case #split produces).
// Run: node --import tsx scripts/measure/record-batch-frame.ts
import * as arrow from "apache-arrow";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import { airQualityBatch } from "../../bench/arrow-records.js";
import { assembledFrame, columnsFrame, type Assembler } from "../../packages/sdk/src/arrow/record-batch-frame.js";

const assembler = VectorAssembler as unknown as Assembler;
const ROUNDS = 5;

function usPerBatch(encode: () => unknown, rows: number): number {
  const iterations = Math.max(50, Math.round(5_000_000 / rows));
  for (let i = 0; i < iterations / 5; i++) encode(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) encode();
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

function withNulls(batch: arrow.RecordBatch): arrow.RecordBatch {
  const names = arrow.vectorFromArray(Array.from({ length: batch.numRows }, (_, i) => (i % 7 === 0 ? null : `sensor-${i % 100}`)), new arrow.LargeUtf8());
  const children = [names.data[0]!, ...batch.data.children.slice(1)];
  return new arrow.RecordBatch(batch.schema, arrow.makeData({ type: batch.data.type, length: batch.numRows, nullCount: 0, children }));
}

for (const rows of [1000, 50_000]) {
  const whole = airQualityBatch(rows);
  const cases: Array<[string, arrow.RecordBatch]> = [
    ["whole", whole],
    ["slice at row 13", whole.slice(13, rows)],
    ["nulls, slice at row 13", withNulls(whole).slice(13, rows)],
  ];
  for (const [label, batch] of cases) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(usPerBatch(() => columnsFrame(batch), rows));
      theirs.push(usPerBatch(() => assembledFrame(assembler, batch), rows));
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(
      `${String(rows).padStart(6)} rows, ${label.padEnd(24)} columns ${best(ours).toFixed(1).padStart(7)} µs/batch  ` +
        `assembler ${best(theirs).toFixed(1).padStart(7)} µs/batch  (best of ${ROUNDS}; all: ${ours.map((x) => x.toFixed(0)).join("/")} vs ${theirs.map((x) => x.toFixed(0)).join("/")})`,
    );
  }
}
