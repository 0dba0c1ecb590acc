import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { SchemaError } from "../schema/schema-error.js";
import { parseSparkSchema } from "../schema/spark-schema.js";
import type {
  AddAction,
  DeletionVectorDescriptor,
  DeltaAction,
  DomainMetadataAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
} from "./delta-actions.js";
import { DeltaError, UnsupportedFeatureError } from "./delta-error.js";
import type { Snapshot } from "./snapshot.js";

/**
 * Accumulates log actions in version order into table state (Delta "Action Reconciliation"): the
 * latest protocol and metaData win; the latest txn per appId and domainMetadata per domain win (a
 * removed domain is dropped); a logical file is identified by (path, deletion vector id), the newest
 * add of a path replaces any older logical file of that path, and a remove cancels the live file only
 * when its (path, deletion vector id) matches. Paths are compared canonically (see `canonicalPath`),
 * so `a%20b`, `a b` and a `file:` URI of the same file are one file.
 */
export class LogReplay {
  private protocol: ProtocolAction | undefined;
  private metadata: MetadataAction | undefined;
  // Live files by canonical path; each remembers its deletion vector id.
  private readonly files = new Map<string, { dvId: string; add: AddAction }>();
  // Tombstones by (canonical path, deletion vector id).
  private readonly removes = new Map<string, RemoveAction>();
  private readonly txns = new Map<string, bigint>();
  private readonly domains = new Map<string, DomainMetadataAction>();
  private inCommitTimestamp: number | null = null;

  /** @param tableDir - The table directory, against which relative paths are canonicalized. */
  constructor(private readonly tableDir: string) {}

  /** Marks the start of a commit's actions (its commitInfo, if any, describes this commit alone). */
  beginCommit(): void {
    this.inCommitTimestamp = null;
  }

  /** Applies one action; actions must arrive in log order (checkpoint first, then commits). */
  apply(action: DeltaAction): void {
    if ("commitInfo" in action) {
      const timestamp = action.commitInfo["inCommitTimestamp"];
      this.inCommitTimestamp = typeof timestamp === "number" ? timestamp : typeof timestamp === "bigint" ? Number(timestamp) : null;
    } else if ("add" in action) {
      const path = canonicalPath(this.tableDir, action.add.path);
      const dvId = deletionVectorId(action.add.deletionVector);
      this.removes.delete(fileKey(path, dvId));
      this.files.delete(path); // re-adding moves the file to the end, keeping "order added"
      this.files.set(path, { dvId, add: action.add });
    } else if ("remove" in action) {
      const path = canonicalPath(this.tableDir, action.remove.path);
      const dvId = deletionVectorId(action.remove.deletionVector);
      if (this.files.get(path)?.dvId === dvId) this.files.delete(path);
      this.removes.set(fileKey(path, dvId), action.remove);
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
   * @throws DeltaError (LOG_INVALID) when no protocol or metaData was seen, or the schema is invalid;
   * UnsupportedFeatureError for a column type this service does not model (`variant`).
   */
  toSnapshot(tableDir: string, version: number, checkpointVersion: number | null): Snapshot {
    if (this.protocol === undefined) throw new DeltaError("LOG_INVALID", `No protocol action found up to version ${version} of ${tableDir}`);
    if (this.metadata === undefined) throw new DeltaError("LOG_INVALID", `No metaData action found up to version ${version} of ${tableDir}`);
    if (typeof this.metadata.schemaString !== "string") {
      throw new DeltaError("LOG_INVALID", `The metaData action in force at version ${version} of ${tableDir} has no schemaString`);
    }
    let fields;
    try {
      fields = parseSparkSchema(this.metadata.schemaString);
    } catch (cause) {
      // A type this service has no model for (variant, …) is a feature it does not support, not damage.
      const type = cause instanceof SchemaError ? cause.unsupportedType : undefined;
      if (type !== undefined) {
        const feature = type === "variant" ? "variantType" : `type ${type}`;
        throw new UnsupportedFeatureError(feature, `This service does not support the data type ${type} (schema of ${tableDir} at version ${version})`, { cause });
      }
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
      files: [...this.files.values()].map((file) => file.add),
      removes: [...this.removes.values()],
      txns: new Map(this.txns),
      domains: new Map(this.domains),
      checkpointVersion,
      inCommitTimestamp: this.inCommitTimestamp,
    };
  }
}

/**
 * The deletion vector's unique id (protocol "Derived Fields"): `<storageType><pathOrInlineDv>`, plus
 * `@<offset>` when there is an offset; `""` for a file without one.
 */
export function deletionVectorId(dv: DeletionVectorDescriptor | null | undefined): string {
  if (dv == null) return "";
  return dv.offset == null ? `${dv.storageType}${dv.pathOrInlineDv}` : `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}`;
}

/**
 * The identity of a file path for reconciliation: relative paths are decoded and joined to the
 * table directory, `file:` URIs and absolute paths are decoded, so every spelling of one local file
 * compares equal. Paths of other schemes are kept as they are.
 */
export function canonicalPath(tableDir: string, path: string): string {
  try {
    if (path.startsWith("file:")) return fileURLToPath(path.startsWith("file:/") ? path : `file:${path.slice(5)}`);
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return path;
    const decoded = path.split("/").map((segment) => decodeURIComponent(segment)).join("/");
    return path.startsWith("/") ? posix.normalize(decoded) : join(tableDir, decoded);
  } catch {
    return path; // not valid percent-encoding or not a valid file URI: compare it as written
  }
}

function fileKey(path: string, dvId: string): string {
  return `${path}\u0000${dvId}`;
}
