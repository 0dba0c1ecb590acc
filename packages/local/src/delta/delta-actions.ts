/**
 * The Delta log actions this service reads and writes (Delta protocol "Actions"), as plain objects
 * mirroring their JSON. Integer fields that can exceed 2^53 in principle but never do in practice
 * (sizes, times) are numbers; transaction versions are bigints because they carry client offsets.
 */

/** `protocol`: the reader/writer versions and, for versions 3/7, the named table features. */
export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

/** `metaData`: the table's identity, schema, partitioning and configuration. */
export interface MetadataAction {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  /** The Spark JSON schema, as a string. */
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

/** A deletion vector descriptor attached to an `add` or `remove` (read-only here). */
export interface DeletionVectorDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
}

/** `add`: a data file that is part of the table. */
export interface AddAction {
  /** Relative (URI-encoded) or absolute URI of the file. */
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** Per-file statistics as a JSON string. */
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

/** `remove`: a data file that is no longer part of the table (a tombstone). */
export interface RemoveAction {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
}

/** `txn`: the last version an application (here: a stream) durably committed. */
export interface TxnAction {
  appId: string;
  version: bigint;
  lastUpdated?: number | null;
}

/** `domainMetadata`: configuration owned by a named domain (preserved, never edited). */
export interface DomainMetadataAction {
  domain: string;
  configuration: string;
  removed: boolean;
}

/** `commitInfo`: free-form provenance of a commit. */
export type CommitInfoAction = Record<string, unknown>;

/** One line of a commit file or one row of a checkpoint. Unknown actions are kept as `other`. */
export type DeltaAction =
  | { commitInfo: CommitInfoAction }
  | { protocol: ProtocolAction }
  | { metaData: MetadataAction }
  | { add: AddAction }
  | { remove: RemoveAction }
  | { txn: TxnAction }
  | { domainMetadata: DomainMetadataAction };
