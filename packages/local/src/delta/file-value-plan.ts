import * as arrow from "apache-arrow";
import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { columnId, PARQUET_FIELD_ID_KEY, physicalName, type ColumnMappingMode } from "./column-mapping.js";
import { DeltaError } from "./delta-error.js";

/**
 * How to turn the values of one data file (decoded by arrow-values.ts, keyed by the file's column
 * names) into the table's logical row model. Built once per file from the table schema and the
 * file's Arrow schema, it
 * - finds each column in the file by logical name (case-insensitively, as Spark does), by physical
 *   name (column mapping `name`) or by Parquet field id (`id`); columns not found read as null;
 * - converts stored types to the declared ones: integers to longs, INT32/INT64/FLBA decimals and
 *   narrower decimals to the declared scale, integers to decimals, dates to timestamp_ntz (the
 *   conversions type widening allows), binary to string.
 */
export type FileValuePlan =
  | { t: "leaf"; convert: (value: RowValue) => RowValue }
  | { t: "struct"; members: StructMember[] }
  | { t: "array"; element: FileValuePlan }
  | { t: "map"; key: FileValuePlan; value: FileValuePlan };

/** One field of a struct plan: its logical name, its name in the file (null: absent) and its plan. */
export interface StructMember {
  name: string;
  source: string | null;
  plan: FileValuePlan;
}

/**
 * The plan of a struct (or a whole file): one member per table field. `where` is the path of the
 * struct in the table, for messages (`""` at the top).
 *
 * @throws DeltaError (LOG_INVALID) when a file column has a type the table's cannot be read from.
 */
export function planStruct(fields: readonly DeltaField[], fileFields: readonly arrow.Field[], mode: ColumnMappingMode, where: string): FileValuePlan {
  const members = fields.map((field) => {
    const file = findFileField(field, fileFields, mode);
    if (file === undefined) return { name: field.name, source: null, plan: { t: "leaf", convert: () => null } as FileValuePlan };
    const path = where === "" ? field.name : `${where}.${field.name}`;
    return { name: field.name, source: file.name, plan: planType(field.type, file.type as arrow.DataType, mode, path) };
  });
  return { t: "struct", members };
}

/** Whether any of the file's columns carries a Parquet field id (column mapping `id` needs them). */
export function hasFieldIds(fileFields: readonly arrow.Field[]): boolean {
  return fileFields.some((field) => field.metadata.has(PARQUET_FIELD_ID_KEY));
}

/** Applies a plan to one value of the file. */
export function applyPlan(plan: FileValuePlan, value: RowValue | undefined): RowValue {
  if (value === null || value === undefined) return null;
  switch (plan.t) {
    case "leaf":
      return plan.convert(value);
    case "struct": {
      const source = value as Row;
      const row: Row = {};
      for (const member of plan.members) row[member.name] = member.source === null ? null : applyPlan(member.plan, source[member.source]);
      return row;
    }
    case "array":
      return (value as RowValue[]).map((item) => applyPlan(plan.element, item));
    case "map":
      return (value as Array<[RowValue, RowValue]>).map(([key, item]) => [applyPlan(plan.key, key), applyPlan(plan.value, item)]);
  }
}

function findFileField(field: DeltaField, fileFields: readonly arrow.Field[], mode: ColumnMappingMode): arrow.Field | undefined {
  if (mode === "id") {
    const id = String(columnId(field));
    return fileFields.find((file) => file.metadata.get(PARQUET_FIELD_ID_KEY) === id);
  }
  const name = physicalName(field, mode);
  const exact = fileFields.find((file) => file.name === name);
  if (exact !== undefined || mode === "name") return exact;
  const lower = name.toLowerCase();
  return fileFields.find((file) => file.name.toLowerCase() === lower);
}

function planType(type: DeltaType, file: arrow.DataType, mode: ColumnMappingMode, where: string): FileValuePlan {
  switch (type.kind) {
    case "struct":
      if (!arrow.DataType.isStruct(file)) throw mismatch(where, type, file);
      return planStruct(type.fields, file.children, mode, where);
    case "array": {
      const isList = arrow.DataType.isList(file) || arrow.DataType.isFixedSizeList(file) || file.typeId === arrow.Type.LargeList;
      if (!isList) throw mismatch(where, type, file);
      return { t: "array", element: planType(type.elementType, file.children[0]!.type as arrow.DataType, mode, `${where}[]`) };
    }
    case "map": {
      if (!arrow.DataType.isMap(file)) throw mismatch(where, type, file);
      const entries = file.children[0]!.type as arrow.Struct;
      return {
        t: "map",
        key: planType(type.keyType, entries.children[0]!.type as arrow.DataType, mode, `${where}.key`),
        value: planType(type.valueType, entries.children[1]!.type as arrow.DataType, mode, `${where}.value`),
      };
    }
    case "decimal":
      return { t: "leaf", convert: decimalConverter(type.scale, file, where) };
    case "primitive":
      if (arrow.DataType.isStruct(file) || arrow.DataType.isList(file) || arrow.DataType.isMap(file)) throw mismatch(where, type, file);
      return { t: "leaf", convert: primitiveConverter(type.name, file, where) };
  }
}

function decimalConverter(scale: number, file: arrow.DataType, where: string): (value: RowValue) => RowValue {
  if (arrow.DataType.isDecimal(file)) {
    const shift = scale - file.scale;
    if (shift < 0) throw new DeltaError("LOG_INVALID", `Column ${where} is stored with scale ${file.scale}, more than the table's ${scale}`);
    const factor = 10n ** BigInt(shift);
    return (value) => toBigint(value, where) * factor;
  }
  // Type widening from byte/short/int/long to decimal: the unscaled value is the integer × 10^scale.
  if (arrow.DataType.isInt(file)) {
    const factor = 10n ** BigInt(scale);
    return (value) => toBigint(value, where) * factor;
  }
  throw mismatch(where, { kind: "decimal", precision: 0, scale }, file);
}

const MICROS_PER_DAY = 86_400_000_000n;

function primitiveConverter(name: string, file: arrow.DataType, where: string): (value: RowValue) => RowValue {
  switch (name) {
    case "long":
    case "timestamp":
      return (value) => toBigint(value, where);
    case "timestamp_ntz":
      // Type widening from date: midnight of that day.
      if (arrow.DataType.isDate(file)) return (value) => BigInt(value as number) * MICROS_PER_DAY;
      return (value) => toBigint(value, where);
    case "byte":
    case "short":
    case "integer":
    case "date":
    case "float":
    case "double":
      return (value) => (typeof value === "bigint" ? Number(value) : value);
    case "string": {
      const decoder = new TextDecoder();
      return (value) => (value instanceof Uint8Array ? decoder.decode(value) : value);
    }
    default:
      return (value) => value;
  }
}

function toBigint(value: RowValue, where: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  throw new DeltaError("LOG_INVALID", `A stored value of column ${where} (${String(value)}) does not fit its column's integer type`);
}

function mismatch(where: string, type: DeltaType, file: arrow.DataType): DeltaError {
  return new DeltaError("LOG_INVALID", `Column ${where} is stored as ${String(file)}, which cannot be read as ${type.kind === "primitive" ? type.name : type.kind}`);
}
