/**
 * Issue 13 §1: N concurrent calls, each one 10 MB batch of 2.5 M tiny records, against the service in a
 * child process. Pass, up to 12 calls: every call ends with a status (OK or RESOURCE_EXHAUSTED) within
 * 150 s, `/health` answers within 1 s throughout, the service's peak RSS stays under 1.5 GB, and every
 * acknowledged record is in the table. Above 12 calls: the service stays up, `/health` never fails, its
 * peak RSS stays under 1.5 GB, and every acknowledged record is in the table.
 */
import { countTableRows } from "@zerobus-ts/local";
import { encodeTinyBatchRequest, runBigBatchLoad, TINY_RECORD_COLUMNS } from "../../packages/local/src/e2e/support/big-batch-load.js";
import { startChildService } from "../../packages/local/src/e2e/support/child-service.js";
import { makeTempDir, tableDir } from "../../packages/local/src/e2e/support/e2e-harness.js";
import type { TortureCase, TortureOutcome } from "./cases.js";

const RECORDS = 2_500_000;
const STATUS_NAMES: Record<number, string> = { 0: "OK", 4: "DEADLINE_EXCEEDED at 150 s", 8: "RESOURCE_EXHAUSTED", 13: "INTERNAL", 14: "UNAVAILABLE" };
const TABLE = "main.default.big_batches";

/** One case per concurrency level. */
export function bigBatchCases(): TortureCase[] {
  return [
    {
      name: "big-batches",
      async run(context) {
        const batch = encodeTinyBatchRequest(RECORDS);
        const outcomes: TortureOutcome[] = [];
        for (const calls of context.bigBatchCalls) outcomes.push(await oneLevel(calls, batch, context.log));
        return outcomes;
      },
    },
  ];
}

async function oneLevel(calls: number, batch: Buffer, log: (line: string) => void): Promise<TortureOutcome> {
  const name = `${calls} × 10 MB batch (2.5 M records)`;
  const temp = await makeTempDir();
  const child = await startChildService(temp.dir, TABLE, TINY_RECORD_COLUMNS, 30_000, { noAuth: true });
  try {
    const workspaceUrl = child.info.workspaceUrl;
    const grpcTarget = child.info.serverEndpoint.replace(/^https?:\/\//, "");
    const result = await runBigBatchLoad({ grpcTarget, workspaceUrl, table: TABLE, calls, batch, pid: child.process.pid, callDeadlineMs: 150_000, healthTimeoutMs: 5_000 });
    const alive = child.process.exitCode === null && child.process.signalCode === null;
    const acked = result.calls.filter((c) => c.acked).length;
    const codes = new Map<string, number>();
    for (const c of result.calls) codes.set(STATUS_NAMES[c.code] ?? String(c.code), (codes.get(STATUS_NAMES[c.code] ?? String(c.code)) ?? 0) + 1);
    const rows = alive ? (await countTableRows(tableDir(temp.dir, TABLE))).rows : NaN;
    const slowest = Math.max(...result.calls.map((c) => c.ms));
    const peak = result.peakRssMb;
    const bounded = alive && peak !== undefined && peak < 1536 && rows >= acked * RECORDS;
    const pass =
      calls <= 12
        ? bounded && result.calls.every((c) => c.code === 0 || c.code === 8) && slowest < 150_000 && result.maxHealthMs < 1000
        : bounded && result.healthFailures === 0;
    const statuses = [...codes].map(([k, n]) => `${n}× ${k}`).join(", ");
    const outcome = `${alive ? "service up" : "service DIED"}; ${acked}/${calls} acked (${statuses}); slowest call ${(slowest / 1000).toFixed(1)} s; peak RSS ${peak?.toFixed(0) ?? "?"} MB; /health max ${result.maxHealthMs.toFixed(0)} ms (${result.healthFailures}/${result.healthProbes} failed); ${Number.isNaN(rows) ? "table not read" : `${rows.toLocaleString("en-US")} rows in the table`}`;
    log(outcome);
    return { name, outcome, pass };
  } finally {
    await child.stop();
    await temp.remove();
  }
}
