/**
 * apache-arrow is an optional peer dependency: only Arrow streams load it, on first use, so the SDK itself
 * loads (and record streams run) without it. A missing package is reported as a clear error.
 */
import { NonRetriableException } from "../errors.js";
import type { Assembler } from "./record-batch-frame.js";

/** The apache-arrow module. */
export type ArrowModule = typeof import("apache-arrow");

let loading: Promise<ArrowModule> | undefined;

/** apache-arrow, imported once. */
export function loadArrow(): Promise<ArrowModule> {
  loading ??= import("apache-arrow").catch((err: unknown) => {
    loading = undefined;
    const message = err instanceof Error ? err.message : String(err);
    throw new NonRetriableException(`Arrow streams need the optional peer dependency 'apache-arrow' (npm install apache-arrow): ${message}`, {
      cause: err,
    });
  });
  return loading;
}

let assembler: Promise<Assembler> | undefined;

/** apache-arrow's `VectorAssembler`, which lays out a RecordBatch's buffers as its IPC writer does. */
export function loadAssembler(): Promise<Assembler> {
  assembler ??= loadArrow()
    .then(() => import("apache-arrow/visitor/vectorassembler"))
    .then((module) => module.VectorAssembler as unknown as Assembler);
  return assembler;
}
