import { randomUUID } from "node:crypto";
import type { AddAction, DeltaAction, DomainMetadataAction } from "./delta-actions.js";
import { ENGINE_INFO } from "./engine-info.js";
import { parseLosslessJson } from "./lossless-json.js";
import type { Snapshot } from "./snapshot.js";
import { writerFeatures } from "./table-features.js";

/** The domain that holds the row-ID high-water mark of a row-tracking table. */
export const ROW_TRACKING_DOMAIN = "delta.rowTracking";

/** What one append commit holds, built for the exact version it is attempted at. */
export interface AppendCommit {
  /** The actions, `commitInfo` first. */
  actions: DeltaAction[];
  /** The `add` actions as committed (with row tracking fields when the table needs them). */
  adds: AddAction[];
  /** The new `delta.rowTracking` domain, when row IDs were assigned. */
  rowTracking: DomainMetadataAction | null;
  /** The commit's in-commit timestamp, when the table uses them. */
  inCommitTimestamp: number | null;
}

/**
 * The actions of a blind append at `version` on top of `snapshot`. They depend on the version and
 * the state, so a commit that loses its version to another writer is rebuilt, not reused:
 * - `commitInfo` comes first, and with in-commit timestamps enabled (`delta.enableInCommitTimestamps`)
 *   it carries `inCommitTimestamp` = max(now, previous commit's + 1), as the protocol requires;
 * - with row tracking supported (`rowTracking` in writerFeatures, not `delta.rowTrackingSuspended`),
 *   each add gets fresh row IDs above the high-water mark (`baseRowId`) and `defaultRowCommitVersion`
 *   = `version`, and the `delta.rowTracking` domain records the new high-water mark.
 */
export function appendCommit(snapshot: Snapshot, version: number, txns: ReadonlyMap<string, bigint>, adds: readonly AddAction[], rowCount: number, nowMs = Date.now()): AppendCommit {
  const inCommitTimestamp = usesInCommitTimestamps(snapshot) ? Math.max(nowMs, (snapshot.inCommitTimestamp ?? Number.NEGATIVE_INFINITY) + 1) : null;
  const commitInfo = {
    timestamp: nowMs,
    ...(inCommitTimestamp === null ? {} : { inCommitTimestamp }),
    operation: "STREAMING UPDATE",
    operationParameters: { outputMode: "Append" },
    isBlindAppend: true,
    engineInfo: ENGINE_INFO,
    txnId: randomUUID(),
    operationMetrics: {
      numAddedFiles: String(adds.length),
      numOutputRows: String(rowCount),
      numOutputBytes: String(adds.reduce((sum, add) => sum + add.size, 0)),
    },
  };
  const actions: DeltaAction[] = [{ commitInfo }];
  for (const [appId, txnVersion] of txns) actions.push({ txn: { appId, version: txnVersion, lastUpdated: nowMs } });
  let committed = [...adds];
  let rowTracking: DomainMetadataAction | null = null;
  if (assignsRowIds(snapshot) && adds.length > 0) {
    let highWaterMark = rowIdHighWaterMark(snapshot);
    committed = adds.map((add) => {
      const baseRowId = highWaterMark + 1;
      highWaterMark += recordCount(add);
      return { ...add, baseRowId, defaultRowCommitVersion: version };
    });
    rowTracking = { domain: ROW_TRACKING_DOMAIN, configuration: JSON.stringify({ rowIdHighWaterMark: highWaterMark }), removed: false };
    actions.push({ domainMetadata: rowTracking });
  }
  for (const add of committed) actions.push({ add });
  return { actions, adds: committed, rowTracking, inCommitTimestamp };
}

/** Whether commits must carry in-commit timestamps (feature supported and enabled). */
export function usesInCommitTimestamps(snapshot: Snapshot): boolean {
  return writerFeatures(snapshot.protocol).includes("inCommitTimestamp") && snapshot.configuration["delta.enableInCommitTimestamps"]?.toLowerCase() === "true";
}

/** Whether new files must get row IDs (row tracking supported and not suspended). */
export function assignsRowIds(snapshot: Snapshot): boolean {
  return writerFeatures(snapshot.protocol).includes("rowTracking") && snapshot.configuration["delta.rowTrackingSuspended"]?.toLowerCase() !== "true";
}

/** The highest row ID assigned so far (-1 when none), from the `delta.rowTracking` domain. */
export function rowIdHighWaterMark(snapshot: Snapshot): number {
  const domain = snapshot.domains.get(ROW_TRACKING_DOMAIN);
  if (domain === undefined) return -1;
  const configuration = parseLosslessJson(domain.configuration) as { rowIdHighWaterMark?: number | bigint };
  return Number(configuration.rowIdHighWaterMark ?? -1);
}

// Our writer always records numRecords; its row IDs must cover every row of the file.
function recordCount(add: AddAction): number {
  const stats = typeof add.stats === "string" ? (parseLosslessJson(add.stats) as { numRecords?: number | bigint }) : {};
  if (stats.numRecords === undefined) throw new TypeError(`File ${add.path} has no numRecords to assign row IDs by`);
  return Number(stats.numRecords);
}
