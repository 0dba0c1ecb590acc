/**
 * Encodes Arrow-column appends into a Parquet file on a worker thread shared by every table writer of
 * the process, so the thread that receives streams keeps decoding frames and sending acks while files
 * are being encoded (a 50,000-row file of the air-quality shape takes a few milliseconds of Parquet
 * work, which would otherwise stall every stream of the service). Jobs run one at a time in the worker,
 * in the order they were sent. If the worker cannot start or dies, work falls back to this thread.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import workerLocation from "./column-file-worker-path.cjs";
import type { DeltaField } from "../schema/delta-type.js";
import { encodeColumnFileHere, toJobBatch, type ColumnFileJob, type ColumnFileReply } from "./column-file-job.js";
import type { ParquetCodec } from "./parquet-encoder.js";
import type { ColumnBatch } from "./write-column-data-file.js";

interface Pending {
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

let worker: Worker | undefined;
let workerBroken = false;
let nextId = 0;
const pending = new Map<number, Pending>();

/**
 * Starts the shared worker if it is not running, so that its start-up (loading apache-arrow and
 * parquet-wasm, a second or more on a busy machine) overlaps with the stream's first batch instead of
 * delaying its ack.
 */
export function prewarmColumnFileEncoder(): void {
  if (!workerBroken) sharedWorker();
}

/** The Parquet bytes of one file holding `batches` (columns of `fields`, in order). */
export function encodeColumnFile(fields: readonly DeltaField[], batches: readonly ColumnBatch[], codec: ParquetCodec): Promise<Uint8Array> {
  const target = workerBroken ? undefined : sharedWorker();
  if (target === undefined) {
    try {
      return Promise.resolve(encodeColumnFileHere({ fields, codec, batches: batches.map((batch) => toJobBatch(batch).job) }));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const transfer: ArrayBuffer[] = [];
  const jobBatches = batches.map((batch) => {
    const prepared = toJobBatch(batch);
    transfer.push(...prepared.transfer);
    return prepared.job;
  });
  const job: ColumnFileJob = { id: nextId++, fields, codec, batches: jobBatches };
  return new Promise((resolve, reject) => {
    pending.set(job.id, { resolve, reject });
    target.ref(); // keep the process alive while a file is being encoded
    target.postMessage(job, transfer);
  });
}

// The build has a .js worker. Sources run through tsx (tests, the bench) have a .ts one, and a worker
// thread does not inherit tsx's loader, so a small bootstrap registers it before importing the worker.
function startWorker(): Worker {
  if (!workerLocation.fromSource) return new Worker(workerLocation.workerPath);
  const entry = pathToFileURL(workerLocation.workerPath).href;
  // (require.resolve finds tsx's CommonJS build; its ES module build sits next to it.)
  const tsxApi = pathToFileURL(workerLocation.resolveTsxEsmApi().replace(/\.cjs$/, ".mjs")).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

function sharedWorker(): Worker | undefined {
  if (worker !== undefined) return worker;
  try {
    worker = startWorker();
  } catch {
    workerBroken = true;
    return undefined;
  }
  worker.unref();
  worker.on("message", (reply: ColumnFileReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker?.unref();
    if ("error" in reply) waiter?.reject(new Error(`Parquet encoding failed: ${reply.error}`));
    else waiter?.resolve(reply.bytes);
  });
  const fail = (error: unknown) => {
    // Jobs in flight fail (their appends are rejected and nothing is committed); later ones run here.
    workerBroken = true;
    worker = undefined;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`The Parquet worker exited with code ${code}`)));
  return worker;
}
