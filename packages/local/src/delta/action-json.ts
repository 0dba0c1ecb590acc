import type { DeltaAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { toJsonText, type JsonTextValue } from "./json-text.js";
import { parseLosslessJson, type LosslessJsonValue } from "./lossless-json.js";

/** Serializes one action as a commit-file line (no trailing newline). */
export function actionToJsonLine(action: DeltaAction): string {
  return toJsonText(action as unknown as JsonTextValue);
}

/** One JSON object of a log line, keyed by action name. */
export type ActionRecord = { [key: string]: LosslessJsonValue };

const ACTION_KEYS = ["add", "remove", "metaData", "protocol", "txn", "commitInfo", "domainMetadata"] as const;

/**
 * Parses one commit-file line. Returns `null` for blank lines and for actions this reader does not
 * track (cdc, checkpointMetadata, sidecar, unknown future actions), which replay may skip.
 *
 * Integers beyond 2^53 are parsed exactly: `txn.version` stays a bigint (it carries client offsets);
 * the other integer fields of the action model are numbers by contract. Statistics are a JSON
 * string inside `add`, so their longs are kept verbatim.
 *
 * @throws DeltaError (LOG_INVALID) when the line is not a JSON object.
 */
export function parseActionLine(line: string, source: string): DeltaAction | null {
  const record = parseActionRecord(line, source);
  return record === null ? null : toDeltaAction(record);
}

/**
 * Parses one log line into its JSON object (null for a blank line), keeping large integers exact.
 *
 * @throws DeltaError (LOG_INVALID) when the line is not a JSON object.
 */
export function parseActionRecord(line: string, source: string): ActionRecord | null {
  if (line.trim() === "") return null;
  let json: LosslessJsonValue;
  try {
    json = parseLosslessJson(line);
  } catch (cause) {
    throw new DeltaError("LOG_INVALID", `${source} holds a line that is not JSON`, { cause });
  }
  if (!isObject(json)) throw new DeltaError("LOG_INVALID", `${source} holds a line that is not a JSON object`);
  return json;
}

/** The action of a parsed log line, or null when it holds none this reader tracks. */
export function toDeltaAction(record: ActionRecord): DeltaAction | null {
  for (const key of ACTION_KEYS) {
    const body = record[key];
    if (!isObject(body)) continue;
    if (key === "commitInfo") return { commitInfo: body };
    if (key === "txn") {
      const version = body["version"];
      const exact = typeof version === "bigint" ? version : BigInt(Math.trunc(Number(version ?? 0)));
      return { txn: { ...(withNumbers(body) as { appId: string }), version: exact } };
    }
    return { [key]: withNumbers(body) } as unknown as DeltaAction;
  }
  return null;
}

// The action model types sizes and times as numbers; a (never seen) bigint there becomes a number.
function withNumbers(value: LosslessJsonValue): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = withNumbers(member);
    return out;
  }
  return value;
}

function isObject(value: LosslessJsonValue | undefined): value is { [key: string]: LosslessJsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value !== "bigint";
}
