import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import { assertColumnMappingMetadata, columnMappingMode } from "./column-mapping.js";
import type { MetadataAction, ProtocolAction } from "./delta-actions.js";
import { UnsupportedFeatureError } from "./delta-error.js";

/** Highest protocol versions this service understands. */
export const MAX_READER_VERSION = 3;
/** Highest writer protocol version this service understands. */
export const MAX_WRITER_VERSION = 7;

/**
 * Writer features this append-only writer honours (DELTA.md §1.9): most just by what it does and does
 * not write (it never writes deletion vectors, CDC files or V2 checkpoints, keeps every domain, and
 * only appends at the current types); column mapping by writing physical names and field ids; row
 * tracking by assigning row IDs and commit versions; in-commit timestamps by writing them
 * (commit-actions.ts).
 */
export const WRITABLE_FEATURES: ReadonlySet<string> = new Set([
  "appendOnly", "invariants", "timestampNtz", "deletionVectors", "domainMetadata", "v2Checkpoint",
  "vacuumProtocolCheck", "changeDataFeed", "typeWidening", "typeWidening-preview", "columnMapping",
  "rowTracking", "inCommitTimestamp",
]);
/** Writer features that are harmless only while the table does not use them (checked against the metadata). */
export const WRITABLE_WHEN_UNUSED_FEATURES: ReadonlySet<string> = new Set([
  "checkConstraints", "generatedColumns", "identityColumns", "allowColumnDefaults",
]);
/**
 * Reader features this reader honours: timestamp_ntz, deletion vectors (inline and on disk), V2
 * checkpoints with sidecars, column mapping (name and id), type widening (integer, float, decimal
 * and date widening), and the VACUUM check (nothing to do for a reader).
 */
export const READABLE_FEATURES: ReadonlySet<string> = new Set([
  "timestampNtz", "deletionVectors", "v2Checkpoint", "vacuumProtocolCheck", "typeWidening", "typeWidening-preview", "columnMapping",
]);

// Writer features implied by legacy writer versions 3–6.
const LEGACY_WRITER_FEATURES: ReadonlyArray<readonly [number, string]> = [
  [2, "appendOnly"], [2, "invariants"], [3, "checkConstraints"], [4, "changeDataFeed"],
  [4, "generatedColumns"], [5, "columnMapping"], [6, "identityColumns"],
];

/** The writer features in force for a protocol: the explicit list (version 7) or the implied ones. */
export function writerFeatures(protocol: ProtocolAction): string[] {
  if (protocol.minWriterVersion >= 7) return protocol.writerFeatures ?? [];
  return LEGACY_WRITER_FEATURES.filter(([version]) => protocol.minWriterVersion >= version).map(([, name]) => name);
}

/**
 * Refuses tables this append-only writer cannot write correctly: protocol versions above 3/7, reader
 * features it cannot read, unknown writer features, and features whose rules it does not implement
 * (clustering, Iceberg compatibility, catalog-managed commits, collations, and CHECK constraints,
 * generated, identity or default columns and invariants while the table uses them).
 *
 * @throws DeltaError (UNSUPPORTED_FEATURE) naming the first blocking feature; (LOG_INVALID) for a
 * column-mapped schema without physical names or ids.
 */
export function assertWritable(protocol: ProtocolAction, metadata: MetadataAction, fields: readonly DeltaField[]): void {
  assertReadable(protocol, metadata);
  if (protocol.minWriterVersion > MAX_WRITER_VERSION) refuse(`minWriterVersion=${protocol.minWriterVersion}`, `writer version ${protocol.minWriterVersion} (minWriterVersion=${protocol.minWriterVersion})`);
  for (const feature of writerFeatures(protocol)) {
    if (WRITABLE_FEATURES.has(feature)) continue;
    if (!WRITABLE_WHEN_UNUSED_FEATURES.has(feature)) refuse(feature, `the writer feature "${feature}"`);
    const use = featureUse(feature, metadata, fields);
    if (use !== null) refuse(feature, `the writer feature "${feature}" (${use})`);
  }
  const invariant = findFieldMetadata(fields, "delta.invariants");
  if (invariant !== null) refuse("invariants", `column invariants (delta.invariants on ${invariant})`);
  assertColumnMappingMetadata(fields, columnMappingMode(protocol, metadata));
}

/**
 * Refuses tables this reader cannot read: reader version above 3, a reader feature it does not
 * implement (variant types, catalog-managed tables, anything unknown), or an unknown column mapping
 * mode.
 *
 * @throws DeltaError (UNSUPPORTED_FEATURE) naming the feature.
 */
export function assertReadable(protocol: ProtocolAction, metadata: MetadataAction): void {
  if (protocol.minReaderVersion > MAX_READER_VERSION) refuse(`minReaderVersion=${protocol.minReaderVersion}`, `reader version ${protocol.minReaderVersion} (minReaderVersion=${protocol.minReaderVersion})`);
  if (protocol.minReaderVersion >= 3) {
    for (const feature of protocol.readerFeatures ?? []) if (!READABLE_FEATURES.has(feature)) refuse(feature, `the reader feature "${feature}"`);
  }
  columnMappingMode(protocol, metadata);
}

// Returns how the table uses a feature, or null when it does not.
function featureUse(feature: string, metadata: MetadataAction, fields: readonly DeltaField[]): string | null {
  const configuration = metadata.configuration ?? {};
  switch (feature) {
    case "checkConstraints": {
      const key = Object.keys(configuration).find((k) => k.startsWith("delta.constraints."));
      return key === undefined ? null : key;
    }
    case "generatedColumns":
      return findFieldMetadata(fields, "delta.generationExpression");
    case "identityColumns":
      return findFieldMetadata(fields, "delta.identity.start");
    case "allowColumnDefaults":
      return findFieldMetadata(fields, "CURRENT_DEFAULT");
    default:
      return feature;
  }
}

// The path of the first field (at any depth) whose metadata has `key`, or null.
function findFieldMetadata(fields: readonly DeltaField[], key: string, prefix = ""): string | null {
  for (const field of fields) {
    const path = prefix === "" ? field.name : `${prefix}.${field.name}`;
    if (field.metadata !== undefined && key in field.metadata) return path;
    const nested = nestedFields(field.type);
    const found = nested === null ? null : findFieldMetadata(nested, key, path);
    if (found !== null) return found;
  }
  return null;
}

function nestedFields(type: DeltaType): DeltaField[] | null {
  if (type.kind === "struct") return type.fields;
  if (type.kind === "array") return nestedFields(type.elementType);
  if (type.kind === "map") return nestedFields(type.valueType);
  return null;
}

function refuse(feature: string, what: string): never {
  throw new UnsupportedFeatureError(feature, `This service does not support ${what}`);
}

/** Whether a type uses timestamp_ntz anywhere (which needs the timestampNtz feature, protocol 3/7). */
export function usesTimestampNtz(type: DeltaType): boolean {
  switch (type.kind) {
    case "primitive":
      return type.name === "timestamp_ntz";
    case "decimal":
      return false;
    case "struct":
      return type.fields.some((field) => usesTimestampNtz(field.type));
    case "array":
      return usesTimestampNtz(type.elementType);
    case "map":
      return usesTimestampNtz(type.keyType) || usesTimestampNtz(type.valueType);
  }
}
