import type { DeltaField, Row, RowValue } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import type { DeltaAction } from "./delta-actions.js";

const DV = "STRUCT<storageType: STRING, pathOrInlineDv: STRING, offset: INT, sizeInBytes: INT, cardinality: BIGINT>";

/**
 * The schema of a classic (V1) checkpoint file, after the Delta spec's "Checkpoint Schema": one
 * nullable struct column per action type; each row holds exactly one action. `add.stats` stays a JSON
 * string (`delta.checkpoint.writeStatsAsJson`); `stats_parsed` is not written. Tombstones (`remove`)
 * carry neither stats nor tags, as the protocol says: they only serve VACUUM.
 */
export const CHECKPOINT_FIELDS: readonly DeltaField[] = parseColumnList(`
  txn STRUCT<appId: STRING, version: BIGINT, lastUpdated: BIGINT>,
  add STRUCT<path: STRING, partitionValues: MAP<STRING, STRING>, size: BIGINT, modificationTime: BIGINT,
    dataChange: BOOLEAN, stats: STRING, tags: MAP<STRING, STRING>, deletionVector: ${DV},
    baseRowId: BIGINT, defaultRowCommitVersion: BIGINT, clusteringProvider: STRING>,
  remove STRUCT<path: STRING, deletionTimestamp: BIGINT, dataChange: BOOLEAN, extendedFileMetadata: BOOLEAN,
    partitionValues: MAP<STRING, STRING>, size: BIGINT, deletionVector: ${DV},
    baseRowId: BIGINT, defaultRowCommitVersion: BIGINT>,
  metaData STRUCT<id: STRING, name: STRING, description: STRING,
    format: STRUCT<provider: STRING, options: MAP<STRING, STRING>>, schemaString: STRING,
    partitionColumns: ARRAY<STRING>, configuration: MAP<STRING, STRING>, createdTime: BIGINT>,
  protocol STRUCT<minReaderVersion: INT, minWriterVersion: INT, readerFeatures: ARRAY<STRING>, writerFeatures: ARRAY<STRING>>,
  domainMetadata STRUCT<domain: STRING, configuration: STRING, removed: BOOLEAN>
`);

// Members stored as Parquet maps; everything else keeps its JSON shape.
const MAP_MEMBERS = new Set(["partitionValues", "tags", "options", "configuration"]);
// Long members kept as bigint in the action model (client offsets); other longs become numbers.
const BIGINT_MEMBERS = new Set(["txn.version"]);

/** The checkpoint row of an action (commitInfo has no column and yields null). */
export function actionToCheckpointRow(action: DeltaAction): Row | null {
  const [kind, body] = Object.entries(action)[0]!;
  const field = CHECKPOINT_FIELDS.find((f) => f.name === kind);
  if (field === undefined || field.type.kind !== "struct") return null;
  return { [kind]: toStructValue(field.type.fields, body as Record<string, unknown>) };
}

function toStructValue(fields: readonly DeltaField[], body: Record<string, unknown>): Row {
  const row: Row = {};
  for (const field of fields) {
    const value = body[field.name];
    if (value === undefined || value === null) continue;
    row[field.name] = toColumnValue(field, value);
  }
  return row;
}

function toColumnValue(field: DeltaField, value: unknown): RowValue {
  const type = field.type;
  if (type.kind === "map") return Object.entries(value as Record<string, RowValue>);
  if (type.kind === "struct") return toStructValue(type.fields, value as Record<string, unknown>);
  if (type.kind === "primitive" && type.name === "long") return BigInt(value as number | bigint);
  return value as RowValue;
}

/** The action held by one checkpoint row, or null for an empty row or an unknown action. */
export function checkpointRowToAction(row: Row): DeltaAction | null {
  for (const [kind, body] of Object.entries(row)) {
    if (body === null || body === undefined || kind === "commitInfo") continue;
    if (!["txn", "add", "remove", "metaData", "protocol", "domainMetadata"].includes(kind)) continue;
    return { [kind]: fromColumnValue(body, kind) } as unknown as DeltaAction;
  }
  return null;
}

function fromColumnValue(value: RowValue, path: string): unknown {
  if (value === null) return null;
  if (typeof value === "bigint") return BIGINT_MEMBERS.has(path) ? value : Number(value);
  if (Array.isArray(value)) {
    const member = path.slice(path.lastIndexOf(".") + 1);
    if (MAP_MEMBERS.has(member)) return Object.fromEntries(value as Array<[string, unknown]>);
    return value.map((item) => fromColumnValue(item as RowValue, path));
  }
  if (typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== null && member !== undefined) out[key] = fromColumnValue(member, `${path}.${key}`);
    }
    return out;
  }
  return value;
}
