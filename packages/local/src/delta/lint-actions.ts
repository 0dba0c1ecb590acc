import type { LosslessJsonValue } from "./lossless-json.js";

/**
 * Structural checks of single log actions for {@link lintDeltaTable}: the protocol's required
 * fields and their JSON types, per action kind. Semantic checks that need the table state (partition
 * values against partition columns, stats against the schema) live in lint-delta-table.ts.
 */

type Json = LosslessJsonValue;
type JsonObject = { [key: string]: Json };
type Check = (value: Json | undefined) => boolean;

const isString: Check = (value) => typeof value === "string";
const isBoolean: Check = (value) => typeof value === "boolean";
const isLong: Check = (value) => typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof value !== "bigint";
const isStringMap: Check = (value) => isObject(value) && Object.values(value).every((v) => typeof v === "string");
const isNullableStringMap: Check = (value) => isObject(value) && Object.values(value).every((v) => v === null || typeof v === "string");
const isStringArray: Check = (value) => Array.isArray(value) && value.every((v) => typeof v === "string");
const optional = (check: Check): Check => (value) => value === undefined || value === null || check(value);

const DELETION_VECTOR: Record<string, Check> = {
  storageType: (value) => value === "u" || value === "i" || value === "p",
  pathOrInlineDv: isString,
  offset: optional(isLong),
  sizeInBytes: isLong,
  cardinality: isLong,
};

// Required and optional members of each action, with their JSON types (protocol "Actions").
const SCHEMAS: Readonly<Record<string, Record<string, Check>>> = {
  protocol: {
    minReaderVersion: (value) => isLong(value) && Number(value) >= 1,
    minWriterVersion: (value) => isLong(value) && Number(value) >= 1,
    readerFeatures: optional(isStringArray),
    writerFeatures: optional(isStringArray),
  },
  metaData: {
    id: isString,
    name: optional(isString),
    description: optional(isString),
    format: (value) => isObject(value) && isString(value["provider"]) && optional(isStringMap)(value["options"]),
    schemaString: isString,
    partitionColumns: isStringArray,
    configuration: isStringMap,
    createdTime: optional(isLong),
  },
  add: {
    path: isString,
    partitionValues: isNullableStringMap,
    size: (value) => isLong(value) && Number(value) >= 0,
    modificationTime: isLong,
    dataChange: isBoolean,
    stats: optional(isString),
    tags: optional(isNullableStringMap),
    deletionVector: optional((value) => isObject(value) && schemaProblems(value, DELETION_VECTOR).length === 0),
    baseRowId: optional(isLong),
    defaultRowCommitVersion: optional(isLong),
    clusteringProvider: optional(isString),
  },
  remove: {
    path: isString,
    dataChange: isBoolean,
    deletionTimestamp: optional(isLong),
    extendedFileMetadata: optional(isBoolean),
    partitionValues: optional(isNullableStringMap),
    size: optional(isLong),
    deletionVector: optional((value) => isObject(value) && schemaProblems(value, DELETION_VECTOR).length === 0),
  },
  txn: { appId: isString, version: isLong, lastUpdated: optional(isLong) },
  domainMetadata: { domain: isString, configuration: isString, removed: isBoolean },
  cdc: { path: isString, partitionValues: isNullableStringMap, size: isLong, dataChange: (value) => value === false },
  commitInfo: {},
};

/**
 * The problems of one log line's JSON object: it must hold exactly one known action whose members
 * have the protocol's types, and a protocol action must list features exactly at versions 3/7.
 */
export function actionProblems(record: JsonObject): string[] {
  const keys = Object.keys(record);
  if (keys.length !== 1) return [`a line must hold exactly one action, found ${keys.length} (${keys.join(", ")})`];
  const kind = keys[0]!;
  const schema = SCHEMAS[kind];
  if (schema === undefined) return [`unknown action "${kind}"`];
  const body = record[kind];
  if (!isObject(body)) return [`${kind} is not an object`];
  const problems = schemaProblems(body, schema).map((problem) => `${kind}.${problem}`);
  if (kind === "protocol") problems.push(...protocolProblems(body));
  return problems;
}

function schemaProblems(body: JsonObject, schema: Record<string, Check>): string[] {
  const problems: string[] = [];
  for (const [member, check] of Object.entries(schema)) {
    if (!check(body[member])) problems.push(`${member} is ${body[member] === undefined ? "missing" : `invalid (${shortJson(body[member])})`}`);
  }
  return problems;
}

function protocolProblems(body: JsonObject): string[] {
  const problems: string[] = [];
  const reader = Number(body["minReaderVersion"]);
  const writer = Number(body["minWriterVersion"]);
  if ((reader === 3) !== (body["readerFeatures"] !== undefined)) problems.push("protocol.readerFeatures must be present exactly when minReaderVersion is 3");
  if ((writer === 7) !== (body["writerFeatures"] !== undefined)) problems.push("protocol.writerFeatures must be present exactly when minWriterVersion is 7");
  if (reader === 3 && writer !== 7) problems.push("protocol: reader version 3 requires writer version 7");
  const writerFeatures = new Set((body["writerFeatures"] as string[] | undefined) ?? []);
  for (const feature of (body["readerFeatures"] as string[] | undefined) ?? []) {
    if (!writerFeatures.has(feature)) problems.push(`protocol: reader feature ${feature} is not also a writer feature`);
  }
  return problems;
}

function shortJson(value: Json | undefined): string {
  const text = JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
