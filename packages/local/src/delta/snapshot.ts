import type { DeltaField } from "../schema/delta-type.js";
import type { AddAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction } from "./delta-actions.js";

/** The state of a Delta table at one version, as reconstructed from its log. */
export interface Snapshot {
  /** The table directory this snapshot was read from. */
  tableDir: string;
  /** The table version this state is at. */
  version: number;
  protocol: ProtocolAction;
  metadata: MetadataAction;
  /** The columns, parsed from `metadata.schemaString`. */
  fields: DeltaField[];
  /** The partition columns (`metadata.partitionColumns`). */
  partitionColumns: string[];
  /** The table properties (`metadata.configuration`). */
  configuration: Record<string, string>;
  /** The live data files, in the order they were added. */
  files: AddAction[];
  /** Tombstones of removed files (kept for checkpoints; VACUUM would use them). */
  removes: RemoveAction[];
  /** Last committed version per application id (`txn` actions). */
  txns: Map<string, bigint>;
  /** Live domain metadata by domain name. */
  domains: Map<string, DomainMetadataAction>;
  /** The checkpoint replay started from, or null when it started at version 0. */
  checkpointVersion: number | null;
  /**
   * The `inCommitTimestamp` of this version's commitInfo, or null when it has none (in-commit
   * timestamps disabled, or the commit file is gone).
   */
  inCommitTimestamp: number | null;
}
