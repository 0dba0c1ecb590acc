import { join } from "node:path";

/** Name of the log directory inside a table directory. */
export const LOG_DIR = "_delta_log";
/** Name of the checkpoint hint file. */
export const LAST_CHECKPOINT_FILE = "_last_checkpoint";
/** Directory of V2 checkpoint sidecar files, inside the log directory. */
export const SIDECAR_DIR = "_sidecars";

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_CHECKPOINT = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

/**
 * A log file name, classified. Names that match no pattern (temp files, `.crc`, log compaction
 * files, which are only an optional shortcut) are `null`.
 */
export type LogFile =
  | { kind: "commit"; version: number; name: string }
  | { kind: "checkpoint"; version: number; name: string; part: number; parts: number }
  | { kind: "v2-checkpoint"; version: number; name: string; format: "json" | "parquet" };

/** The log directory of a table. */
export function logDir(tableDir: string): string {
  return join(tableDir, LOG_DIR);
}

/** Zero-padded 20-digit version, as used in every log file name. */
export function padVersion(version: number): string {
  return String(version).padStart(20, "0");
}

/** File name of a commit: `00000000000000000007.json`. */
export function commitFileName(version: number): string {
  return `${padVersion(version)}.json`;
}

/** File name of a classic single-file checkpoint. */
export function checkpointFileName(version: number): string {
  return `${padVersion(version)}.checkpoint.parquet`;
}

/** Classifies a file name found in `_delta_log/`. */
export function parseLogFileName(name: string): LogFile | null {
  let match = COMMIT.exec(name);
  if (match !== null) return { kind: "commit", version: Number(match[1]), name };
  match = CLASSIC_CHECKPOINT.exec(name);
  if (match !== null) return { kind: "checkpoint", version: Number(match[1]), name, part: 1, parts: 1 };
  match = MULTI_PART_CHECKPOINT.exec(name);
  if (match !== null) {
    return { kind: "checkpoint", version: Number(match[1]), name, part: Number(match[2]), parts: Number(match[3]) };
  }
  match = V2_CHECKPOINT.exec(name);
  if (match !== null) return { kind: "v2-checkpoint", version: Number(match[1]), name, format: match[2] as "json" | "parquet" };
  return null;
}
