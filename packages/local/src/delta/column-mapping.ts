import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import type { MetadataAction, ProtocolAction } from "./delta-actions.js";
import { DeltaError, UnsupportedFeatureError } from "./delta-error.js";

/**
 * Column mapping (protocol "Column Mapping"): every column, nested ones included, has a physical
 * name (`delta.columnMapping.physicalName`) and an id (`delta.columnMapping.id`) in its schema
 * metadata. Data files, partition values and statistics use physical names; in `id` mode readers
 * match file columns by Parquet field id instead. Readers show the logical names of the schema.
 */

/** `delta.columnMapping.mode`: `none` (logical names everywhere), `name` or `id`. */
export type ColumnMappingMode = "none" | "name" | "id";

/** Schema metadata key of a column's physical name. */
export const PHYSICAL_NAME_KEY = "delta.columnMapping.physicalName";
/** Schema metadata key of a column's id (the Parquet field id). */
export const COLUMN_ID_KEY = "delta.columnMapping.id";
/** Arrow field metadata key parquet-rs reads and writes as the Parquet `field_id`. */
export const PARQUET_FIELD_ID_KEY = "PARQUET:field_id";

/**
 * The column mapping mode in force. The table property only counts when the protocol supports the
 * feature (reader version 2, or 3 with `columnMapping` listed), as the protocol says.
 *
 * @throws DeltaError (UNSUPPORTED_FEATURE) for a mode other than none, name and id.
 */
export function columnMappingMode(protocol: ProtocolAction, metadata: MetadataAction): ColumnMappingMode {
  const mode = metadata.configuration?.["delta.columnMapping.mode"] ?? "none";
  const supported =
    protocol.minReaderVersion === 2 || (protocol.minReaderVersion >= 3 && (protocol.readerFeatures ?? []).includes("columnMapping"));
  if (!supported) return "none";
  if (mode !== "none" && mode !== "name" && mode !== "id") {
    throw new UnsupportedFeatureError("columnMapping", `This service does not support column mapping mode "${mode}"`);
  }
  return mode;
}

/** The name a column has in data files, partition values and statistics. */
export function physicalName(field: DeltaField, mode: ColumnMappingMode): string {
  if (mode === "none") return field.name;
  const name = field.metadata[PHYSICAL_NAME_KEY];
  if (typeof name !== "string" || name === "") {
    throw new DeltaError("LOG_INVALID", `Column ${field.name} has no ${PHYSICAL_NAME_KEY}, which column mapping mode ${mode} needs`);
  }
  return name;
}

/** The column id (Parquet field id) of a column, or undefined when it has none. */
export function columnId(field: DeltaField): number | undefined {
  const id = field.metadata[COLUMN_ID_KEY];
  return typeof id === "number" && Number.isSafeInteger(id) ? id : undefined;
}

/**
 * Checks that every column, at any depth, has what the mode needs: a physical name, and in `id`
 * mode an id.
 *
 * @throws DeltaError (LOG_INVALID) naming the first column that lacks them.
 */
export function assertColumnMappingMetadata(fields: readonly DeltaField[], mode: ColumnMappingMode): void {
  if (mode === "none") return;
  forEachField(fields, (field) => {
    physicalName(field, mode);
    if (mode === "id" && columnId(field) === undefined) {
      throw new DeltaError("LOG_INVALID", `Column ${field.name} has no ${COLUMN_ID_KEY}, which column mapping mode id needs`);
    }
  });
}

/** The schema with physical names at every depth (metadata, ids included, kept). */
export function toPhysicalFields(fields: readonly DeltaField[], mode: ColumnMappingMode): DeltaField[] {
  if (mode === "none") return [...fields];
  return fields.map((field) => ({ ...field, name: physicalName(field, mode), type: physicalType(field.type, mode) }));
}

function physicalType(type: DeltaType, mode: ColumnMappingMode): DeltaType {
  switch (type.kind) {
    case "struct":
      return { ...type, fields: toPhysicalFields(type.fields, mode) };
    case "array":
      return { ...type, elementType: physicalType(type.elementType, mode) };
    case "map":
      return { ...type, keyType: physicalType(type.keyType, mode), valueType: physicalType(type.valueType, mode) };
    default:
      return type;
  }
}

/** A row keyed (at every depth) by physical names, for writing; the row itself when mode is none. */
export function toPhysicalRow(fields: readonly DeltaField[], row: Row, mode: ColumnMappingMode): Row {
  if (mode === "none") return row;
  const out: Row = {};
  for (const field of fields) {
    const value = row[field.name];
    if (value !== undefined) out[physicalName(field, mode)] = physicalValue(field.type, value, mode);
  }
  return out;
}

function physicalValue(type: DeltaType, value: RowValue, mode: ColumnMappingMode): RowValue {
  if (value === null) return null;
  switch (type.kind) {
    case "struct":
      return toPhysicalRow(type.fields, value as Row, mode);
    case "array":
      return (value as RowValue[]).map((item) => physicalValue(type.elementType, item, mode));
    case "map":
      return (value as Array<[RowValue, RowValue]>).map(([key, item]) => [physicalValue(type.keyType, key, mode), physicalValue(type.valueType, item, mode)]);
    default:
      return value;
  }
}

function forEachField(fields: readonly DeltaField[], visit: (field: DeltaField) => void): void {
  for (const field of fields) {
    visit(field);
    forEachNested(field.type, visit);
  }
}

function forEachNested(type: DeltaType, visit: (field: DeltaField) => void): void {
  if (type.kind === "struct") forEachField(type.fields, visit);
  else if (type.kind === "array") forEachNested(type.elementType, visit);
  else if (type.kind === "map") {
    forEachNested(type.keyType, visit);
    forEachNested(type.valueType, visit);
  }
}
