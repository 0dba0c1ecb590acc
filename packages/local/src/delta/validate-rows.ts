import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { RowValidationError } from "./delta-error.js";

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
  date: [-2_147_483_648, 2_147_483_647],
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Checks rows against the table's columns before anything is queued, so a bad row rejects its whole
 * call and nothing of it is written (Delta requires writers to enforce NOT NULL). Checked: non-nullable
 * columns, struct fields, array elements and map values are present and non-null; map keys are never
 * null; each value has the JS type of the row model (delta-type.ts) and fits its column (integer
 * ranges, decimal precision); no row has a column the table does not know.
 *
 * @throws RowValidationError naming the first bad row index and the column path.
 */
export function validateRows(fields: readonly DeltaField[], rows: readonly Row[]): void {
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    if (!isPlainRow(row)) throw new RowValidationError(index, "(row)", "a row must be a plain object");
    validateStruct(fields, row, index, "");
  }
}

function validateStruct(fields: readonly DeltaField[], row: Row, index: number, prefix: string): void {
  for (const field of fields) {
    const path = prefix === "" ? field.name : `${prefix}.${field.name}`;
    validateValue(field.type, field.nullable, row[field.name], index, path);
  }
  const names = fieldNames(fields);
  for (const key in row) {
    if (!names.has(key)) throw new RowValidationError(index, prefix === "" ? key : `${prefix}.${key}`, "no such column in the table");
  }
}

// Field-name sets per struct, built once per schema object rather than once per row.
const namesByFields = new WeakMap<readonly DeltaField[], Set<string>>();

function fieldNames(fields: readonly DeltaField[]): Set<string> {
  let names = namesByFields.get(fields);
  if (names === undefined) {
    names = new Set(fields.map((field) => field.name));
    namesByFields.set(fields, names);
  }
  return names;
}

function validateValue(type: DeltaType, nullable: boolean, value: RowValue | undefined, index: number, path: string): void {
  if (value === null || value === undefined) {
    if (!nullable) throw new RowValidationError(index, path, "a value is required (the column is NOT NULL)");
    return;
  }
  const problem = typeProblem(type, value, index, path);
  if (problem !== null) throw new RowValidationError(index, path, problem);
}

// Returns a description of what is wrong with a non-null value, or null when it fits.
function typeProblem(type: DeltaType, value: RowValue, index: number, path: string): string | null {
  switch (type.kind) {
    case "primitive":
      return primitiveProblem(type.name, value);
    case "decimal": {
      if (typeof value !== "bigint") return `expected a bigint (unscaled decimal), got ${describe(value)}`;
      const limit = 10n ** BigInt(type.precision);
      return value > -limit && value < limit ? null : `${value} has more than ${type.precision} digits`;
    }
    case "struct":
      if (!isPlainRow(value)) return `expected an object (struct), got ${describe(value)}`;
      validateStruct(type.fields, value, index, path);
      return null;
    case "array":
      if (!Array.isArray(value)) return `expected an array, got ${describe(value)}`;
      value.forEach((item, i) => validateValue(type.elementType, type.containsNull, item as RowValue, index, `${path}[${i}]`));
      return null;
    case "map":
      return mapProblem(type, value, index, path);
  }
}

function mapProblem(type: Extract<DeltaType, { kind: "map" }>, value: RowValue, index: number, path: string): string | null {
  if (!Array.isArray(value)) return `expected an array of [key, value] entries (map), got ${describe(value)}`;
  value.forEach((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new RowValidationError(index, `${path}[${i}]`, "a map entry must be a [key, value] pair");
    }
    validateValue(type.keyType, false, entry[0] as RowValue, index, `${path}[${i}].key`);
    validateValue(type.valueType, type.valueContainsNull, entry[1] as RowValue, index, `${path}[${i}].value`);
  });
  return null;
}

function primitiveProblem(name: string, value: RowValue): string | null {
  switch (name) {
    case "byte":
    case "short":
    case "integer":
    case "date": {
      const [min, max] = INT_RANGES[name]!;
      if (typeof value !== "number" || !Number.isInteger(value)) return `expected an integer number, got ${describe(value)}`;
      return value >= min && value <= max ? null : `${value} is out of range for ${name}`;
    }
    case "long":
    case "timestamp":
    case "timestamp_ntz":
      if (typeof value !== "bigint") return `expected a bigint, got ${describe(value)}`;
      return value >= INT64_MIN && value <= INT64_MAX ? null : `${value} does not fit in 64 bits`;
    case "float":
    case "double":
      return typeof value === "number" ? null : `expected a number, got ${describe(value)}`;
    case "boolean":
      return typeof value === "boolean" ? null : `expected a boolean, got ${describe(value)}`;
    case "string":
      return typeof value === "string" ? null : `expected a string, got ${describe(value)}`;
    default:
      return value instanceof Uint8Array ? null : `expected a Uint8Array, got ${describe(value)}`;
  }
}

function isPlainRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describe(value: RowValue): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "a Uint8Array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value).slice(0, 40)}`;
}
