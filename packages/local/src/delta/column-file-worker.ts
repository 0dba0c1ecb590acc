/**
 * The worker thread behind `encodeColumnFile`: it rebuilds the Arrow columns from the buffers it is
 * sent and encodes them as one Parquet file, off the thread that receives the streams.
 */
import { parentPort } from "node:worker_threads";
import { encodeColumnFileHere, type ColumnFileJob, type ColumnFileReply } from "./column-file-job.js";

parentPort?.on("message", (job: ColumnFileJob) => {
  let reply: ColumnFileReply;
  try {
    const bytes = encodeColumnFileHere(job);
    reply = { id: job.id, bytes };
    parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { id: job.id, error: (err as Error)?.message ?? String(err) };
    parentPort!.postMessage(reply);
  }
});
