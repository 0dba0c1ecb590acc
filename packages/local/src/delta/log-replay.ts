import { parseSparkSchema } from "../schema/spark-schema.js";
import type { AddAction, DeltaAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import type { Snapshot } from "./snapshot.js";

/**
 * Accumulates log actions in version order into table state (Delta "Action Reconciliation"): the
 * latest protocol and metaData win; a file is live when its latest add is not followed by a remove of
 * the same (path, deletion vector); the latest txn per appId and domainMetadata per domain win.
 */
export class LogReplay {
  private protocol: ProtocolAction | undefined;
  private metadata: MetadataAction | undefined;
  private readonly files = new Map<string, AddAction>();
  private readonly removes = new Map<string, RemoveAction>();
  private readonly txns = new Map<string, bigint>();
  private readonly domains = new Map<string, DomainMetadataAction>();

  /** Applies one action; actions must arrive in log order (checkpoint first, then commits). */
  apply(action: DeltaAction): void {
    if ("add" in action) {
      const key = fileKey(action.add.path, action.add.deletionVector);
      this.removes.delete(key);
      this.files.delete(key); // re-adding moves the file to the end, keeping "order added"
      this.files.set(key, action.add);
    } else if ("remove" in action) {
      const key = fileKey(action.remove.path, action.remove.deletionVector);
      this.files.delete(key);
      this.removes.set(key, action.remove);
    } else if ("metaData" in action) {
      this.metadata = action.metaData;
    } else if ("protocol" in action) {
      this.protocol = action.protocol;
    } else if ("txn" in action) {
      this.txns.set(action.txn.appId, action.txn.version);
    } else if ("domainMetadata" in action) {
      const domain = action.domainMetadata;
      if (domain.removed) this.domains.delete(domain.domain);
      else this.domains.set(domain.domain, domain);
    }
  }

  /**
   * The reconstructed state.
   *
   * @throws DeltaError (LOG_INVALID) when no protocol or metaData was seen, or the schema is invalid.
   */
  toSnapshot(tableDir: string, version: number, checkpointVersion: number | null): Snapshot {
    if (this.protocol === undefined) throw new DeltaError("LOG_INVALID", `No protocol action found up to version ${version} of ${tableDir}`);
    if (this.metadata === undefined) throw new DeltaError("LOG_INVALID", `No metaData action found up to version ${version} of ${tableDir}`);
    let fields;
    try {
      fields = parseSparkSchema(this.metadata.schemaString);
    } catch (cause) {
      throw new DeltaError("LOG_INVALID", `The table schema at version ${version} cannot be used: ${(cause as Error).message}`, { cause });
    }
    return {
      tableDir,
      version,
      protocol: this.protocol,
      metadata: this.metadata,
      fields,
      partitionColumns: this.metadata.partitionColumns ?? [],
      configuration: this.metadata.configuration ?? {},
      files: [...this.files.values()],
      removes: [...this.removes.values()],
      txns: new Map(this.txns),
      domains: new Map(this.domains),
      checkpointVersion,
    };
  }
}

// Paths are compared decoded, so `a%20b` and `a b` name the same file, as Spark canonicalizes them.
function fileKey(path: string, deletionVector: AddAction["deletionVector"]): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep the raw path when it is not valid percent-encoding
  }
  const dv = deletionVector == null ? "" : `${deletionVector.storageType}${deletionVector.pathOrInlineDv}@${deletionVector.offset ?? ""}`;
  return `${decoded}\u0000${dv}`;
}
