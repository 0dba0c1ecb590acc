// Measures turning an apache-arrow RecordBatch into a frame and writing its body into a request, as the
// stream does: the SDK's own column layout (planned at ingest, written into the request when sent) against
// apache-arrow's VectorAssembler (the fallback: a body of its own, then copied into the request), on the
// bench's air-quality batches, whole and as slices at an unaligned row (the case #split produces).
// CPU only: the garbage collector's cost of the fallback's bodies shows in the bench, not here.
// Run: node --import tsx scripts/measure/record-batch-frame.ts
import * as arrow from "apache-arrow";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import { airQualityBatch } from "../../bench/arrow-records.js";
import { columnsFrame } from "../../packages/sdk/src/arrow/columns-frame.js";
import { assembledFrame, type Assembler } from "../../packages/sdk/src/arrow/record-batch-frame.js";

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
    // A request buffer as the sender has one: the body after the FlightData fields, at an odd offset.
    const request = new Uint8Array(assembledFrame(assembler, batch).body.length + 64);
    const at = 13;
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(usPerBatch(() => columnsFrame(batch)!.bodyWriter!.writeTo(request, at), rows));
      theirs.push(usPerBatch(() => request.set(assembledFrame(assembler, batch).body, at), rows));
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(
      `${String(rows).padStart(6)} rows, ${label.padEnd(24)} columns ${best(ours).toFixed(1).padStart(7)} µs/batch  ` +
        `assembler ${best(theirs).toFixed(1).padStart(7)} µs/batch  (best of ${ROUNDS}; all: ${ours.map((x) => x.toFixed(0)).join("/")} vs ${theirs.map((x) => x.toFixed(0)).join("/")})`,
    );
  }
}
