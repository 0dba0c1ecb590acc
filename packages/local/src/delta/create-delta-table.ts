import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { DeltaField } from "../schema/delta-type.js";
import { SchemaError } from "../schema/schema-error.js";
import { toSparkSchemaJson } from "../schema/spark-schema.js";
import { assertUniqueFieldNames } from "../schema/unique-field-names.js";
import { commitVersion } from "./commit-version.js";
import type { DeltaAction, ProtocolAction } from "./delta-actions.js";
import { DeltaError, VersionConflictError } from "./delta-error.js";
import { syncDirectory } from "./durable-fs.js";
import { ENGINE_INFO } from "./engine-info.js";
import { logDir } from "./log-files.js";
import { listLog } from "./log-listing.js";
import { usesTimestampNtz } from "./table-features.js";

/** Options of {@link createDeltaTable}. */
export interface CreateDeltaTableOptions {
  /** The columns. Names must be unique ignoring case. */
  fields: DeltaField[];
  /** Top-level primitive columns to partition by (Hive-style directories); default none. */
  partitionColumns?: string[];
  /** `metaData.name`. */
  name?: string;
  /** `metaData.description`. */
  description?: string;
  /** Table properties (`delta.checkpointInterval`, `delta.parquet.compression.codec`, …). */
  configuration?: Record<string, string>;
}

/**
 * Creates an empty Delta table at `dir` (created if missing): version 0 with commitInfo, protocol
 * (1,2), or (3,7) with `timestampNtz` when a column needs it, and metaData.
 *
 * @throws SchemaError for duplicate or unusable partition columns.
 * @throws DeltaError (TABLE_EXISTS) when `dir` already holds a Delta log with commits.
 */
export async function createDeltaTable(dir: string, options: CreateDeltaTableOptions): Promise<void> {
  assertUniqueFieldNames(options.fields);
  const partitionColumns = options.partitionColumns ?? [];
  checkPartitionColumns(options.fields, partitionColumns);
  await assertNoTable(dir);
  await mkdir(logDir(dir), { recursive: true });
  await syncDirectory(dir);
  const now = Date.now();
  const actions: DeltaAction[] = [
    { commitInfo: { timestamp: now, operation: "CREATE TABLE", operationParameters: {}, isBlindAppend: true, engineInfo: ENGINE_INFO, txnId: randomUUID() } },
    { protocol: protocolFor(options.fields) },
    {
      metaData: {
        id: randomUUID(),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.description === undefined ? {} : { description: options.description }),
        format: { provider: "parquet", options: {} },
        schemaString: toSparkSchemaJson(options.fields),
        partitionColumns,
        configuration: { ...(options.configuration ?? {}) },
        createdTime: now,
      },
    },
  ];
  try {
    await commitVersion(dir, 0, actions);
  } catch (error) {
    if (error instanceof VersionConflictError) throw tableExists(dir, error);
    throw error;
  }
}

function protocolFor(fields: readonly DeltaField[]): ProtocolAction {
  if (fields.some((field) => usesTimestampNtz(field.type))) {
    return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"] };
  }
  return { minReaderVersion: 1, minWriterVersion: 2 };
}

function checkPartitionColumns(fields: readonly DeltaField[], partitionColumns: readonly string[]): void {
  const seen = new Set<string>();
  for (const column of partitionColumns) {
    const field = fields.find((f) => f.name === column);
    if (field === undefined) throw new SchemaError(`Partition column "${column}" is not a column of the table`);
    if (field.type.kind !== "primitive" && field.type.kind !== "decimal") {
      throw new SchemaError(`Partition column "${column}" must have a primitive type, not ${field.type.kind}`);
    }
    if (seen.has(column)) throw new SchemaError(`Partition column "${column}" is listed twice`);
    seen.add(column);
  }
  if (partitionColumns.length > 0 && partitionColumns.length === fields.length) {
    throw new SchemaError("A table cannot be partitioned by all of its columns");
  }
}

async function assertNoTable(dir: string): Promise<void> {
  try {
    const listing = await listLog(dir);
    if (listing.commits.length > 0 || listing.checkpoints.length > 0) throw tableExists(dir);
  } catch (error) {
    if (error instanceof DeltaError && error.code === "TABLE_NOT_FOUND") return;
    throw error;
  }
}

function tableExists(dir: string, cause?: unknown): DeltaError {
  return new DeltaError("TABLE_EXISTS", `A Delta table already exists at ${dir}`, cause === undefined ? {} : { cause });
}
