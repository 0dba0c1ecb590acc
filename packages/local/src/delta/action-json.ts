import type { DeltaAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { toJsonText, type JsonTextValue } from "./json-text.js";

/** Serializes one action as a commit-file line (no trailing newline). */
export function actionToJsonLine(action: DeltaAction): string {
  return toJsonText(action as unknown as JsonTextValue);
}

const TXN_VERSION = /"version"\s*:\s*(-?\d+)/;

/**
 * Parses one commit-file line. Returns `null` for blank lines and for actions this reader does not
 * track (cdc, checkpointMetadata, sidecar, unknown future actions), which replay may skip.
 *
 * `txn.version` is re-read from the raw text so versions beyond 2^53 stay exact; this is safe because a
 * `"version":` key cannot appear unescaped inside a JSON string.
 *
 * @throws DeltaError (LOG_INVALID) when the line is not a JSON object.
 */
export function parseActionLine(line: string, source: string): DeltaAction | null {
  if (line.trim() === "") return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw new DeltaError("LOG_INVALID", `${source} holds a line that is not JSON`, { cause });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DeltaError("LOG_INVALID", `${source} holds a line that is not a JSON object`);
  }
  const record = json as Record<string, unknown>;
  if (isObject(record["txn"])) {
    const txn = record["txn"];
    const raw = TXN_VERSION.exec(line);
    const version = raw !== null ? BigInt(raw[1]!) : BigInt(Math.trunc(Number(txn["version"] ?? 0)));
    return { txn: { ...(txn as { appId: string }), version } };
  }
  for (const key of ["add", "remove", "metaData", "protocol", "commitInfo", "domainMetadata"] as const) {
    if (isObject(record[key])) return { [key]: record[key] } as unknown as DeltaAction;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
