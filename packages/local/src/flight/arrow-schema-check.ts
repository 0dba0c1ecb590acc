/**
 * Checks the Arrow schema a DoPut declares (its first frame) against the table, and plans how each
 * column's Arrow data becomes the column's Parquet data (ARROW-FLIGHT.md §5). The rule: the same
 * columns (names compared case-insensitively), in the table's order, each with the canonical Arrow type
 * of its Delta type or a lossless variant of it, and no nullable field for a NOT NULL column.
 *
 * | Delta type                    | Arrow accepted                                 |
 * |-------------------------------|------------------------------------------------|
 * | STRING / BINARY               | LargeUtf8 or Utf8 / LargeBinary or Binary       |
 * | TINYINT … BIGINT              | Int8, Int16, Int32, Int64 (that width, signed)  |
 * | FLOAT / DOUBLE / BOOLEAN      | Float32 / Float64 / Bool                        |
 * | DATE                          | Date32 (days)                                   |
 * | TIMESTAMP / TIMESTAMP_NTZ     | Timestamp(µs) with a time zone / without one    |
 * | DECIMAL(p,s)                  | Decimal128(p,s), or LargeUtf8/Utf8 decimal text |
 * | ARRAY<T>                      | List, child (any name, `item` canonical) as T  |
 * | MAP<K,V>                      | Map, child `entries` or `key_value`: Struct NOT NULL of `keys`/`key` K NOT NULL and `values`/`value` V |
 * | STRUCT<…>                     | Struct, the same fields in order (names compared case-insensitively) |
 *
 * Nested children follow the same rules, including nullability (no nullable child for a NOT NULL
 * element, value or field); a mismatch names the child's path (`tags.item`, `attrs.entries.keys`).
 * (apache-arrow's schema decoder renames a Map's children `entries`/`key`/`value` whatever the client
 * declared, so the map names are in effect not checked.) VARIANT columns do not exist in this
 * service's tables, so the VARIANT struct is not planned.
 * Dictionary-encoded fields are refused: official clients decode dictionaries before sending.
 */
import * as arrow from "apache-arrow";
import type { DeltaField, DeltaType } from "../schema/delta-type.js";
import type { SchemaCause } from "../schema/schema-cause.js";
import { toTypeText } from "../schema/spark-schema.js";

/** How one column's incoming Arrow data is read. */
export type ColumnSource =
  | { kind: "fixed"; byteWidth: 1 | 2 | 4 | 8 }
  | { kind: "bool" }
  | { kind: "bytes"; utf8: boolean; largeOffsets: boolean }
  | { kind: "decimal128"; precision: number; scale: number }
  | { kind: "decimal-text"; largeOffsets: boolean; precision: number; scale: number }
  /** `item`: the declared child's name, for error messages. */
  | { kind: "list"; item: string; element: ColumnSource }
  /** `names`: the declared entries, key and value names, for error messages. */
  | { kind: "map"; names: [string, string, string]; key: ColumnSource; value: ColumnSource }
  | { kind: "struct"; fields: ColumnSource[] };

/** The plan of one column: the table's field and how its Arrow data is read. */
export interface ColumnPlan {
  field: DeltaField;
  source: ColumnSource;
}

/** A declared schema that does not fit the table. */
export class ArrowSchemaMismatch extends Error {
  override readonly name = "ArrowSchemaMismatch";
  constructor(
    message: string,
    readonly causes: readonly SchemaCause[],
  ) {
    super(message);
  }
}

/**
 * Returns one plan per table column, in table order.
 *
 * @throws ArrowSchemaMismatch naming every problem found and its causes.
 */
export function checkArrowSchema(schema: arrow.Schema, columns: readonly DeltaField[]): ColumnPlan[] {
  const problems: string[] = [];
  const causes: SchemaCause[] = [];
  const problem = (text: string, cause: SchemaCause) => {
    problems.push(text);
    causes.push(cause);
  };
  const byName = new Map(columns.map((column) => [column.name.toLowerCase(), column]));
  const declared = new Map<string, arrow.Field>();
  for (const field of schema.fields) {
    const key = field.name.toLowerCase();
    if (declared.has(key)) problem(`field '${field.name}' is declared twice`, "FIELD_COUNT_MISMATCH");
    declared.set(key, field);
    if (!byName.has(key)) problem(`field '${field.name}' is not a column of the table`, "FIELD_NOT_IN_TABLE");
  }
  for (const column of columns) {
    if (declared.has(column.name.toLowerCase())) continue;
    if (column.nullable) problem(`column '${column.name}' (${typeText(column.type)}) has no field`, "FIELD_COUNT_MISMATCH");
    else problem(`column '${column.name}' (${typeText(column.type)} NOT NULL) has no field`, "MISSING_REQUIRED_COLUMN");
  }
  if (problems.length === 0 && schema.fields.length !== columns.length) {
    problem(`${schema.fields.length} field(s) declared for ${columns.length} column(s)`, "FIELD_COUNT_MISMATCH");
  }
  if (problems.length === 0) {
    const outOfOrder = schema.fields.findIndex((field, i) => field.name.toLowerCase() !== columns[i]!.name.toLowerCase());
    if (outOfOrder >= 0) {
      problem(`fields are in the order (${schema.fields.map((f) => f.name).join(", ")}) but the table's columns are (${columns.map((c) => c.name).join(", ")})`, "FIELD_OUT_OF_ORDER");
    }
  }
  const plans: ColumnPlan[] = [];
  for (const column of columns) {
    const field = declared.get(column.name.toLowerCase());
    if (field === undefined) continue;
    if (field.nullable && !column.nullable) {
      problem(`field '${field.name}' is nullable but column '${column.name}' is NOT NULL (declare the field non-nullable)`, "TYPE_INCOMPATIBLE");
      continue;
    }
    const planned = planType(field.type, column.type, field.name, `column '${column.name}'`);
    if (typeof planned === "string") {
      problem(planned, "TYPE_INCOMPATIBLE");
      continue;
    }
    const source = planned;
    plans.push({ field: column, source });
  }
  if (problems.length > 0) throw new ArrowSchemaMismatch(problems.join("; "), causes);
  return plans;
}

/** The names a user recognises: `Utf8`, `Int64`, `Timestamp(MICROSECOND, UTC)`, `Dictionary<Int32, Utf8>`. */
export function describeArrowType(type: arrow.DataType): string {
  if (arrow.DataType.isDictionary(type)) return `dictionary-encoded ${String(type.dictionary)} (send the values, not a dictionary)`;
  if (arrow.DataType.isTimestamp(type)) return `Timestamp(${arrow.TimeUnit[type.unit]}, ${type.timezone ?? "no time zone"})`;
  if (arrow.DataType.isDecimal(type)) return `Decimal${type.bitWidth}(${type.precision}, ${type.scale})`;
  return String(type);
}

// The plan of one (possibly nested) value, or the problem text naming the offending path.
function planType(type: arrow.DataType, column: DeltaType, path: string, target: string): ColumnSource | string {
  const wrong = () => `field '${path}' is ${describeArrowType(type)}, which cannot be written to ${target} of type ${typeText(column)}${acceptedHint(column)}`;
  const child = (field: arrow.Field, deltaType: DeltaType, nullable: boolean): ColumnSource | string => {
    const childPath = `${path}.${field.name}`;
    if (field.nullable && !nullable) return `field '${childPath}' is nullable but ${typeText(column)} needs it NOT NULL (declare it non-nullable)`;
    return planType(field.type, deltaType, childPath, `'${childPath}'`);
  };
  switch (column.kind) {
    case "array": {
      if (type.typeId !== arrow.Type.List) return wrong();
      const item = type.children[0]!;
      const element = child(item, column.elementType, column.containsNull);
      return typeof element === "string" ? element : { kind: "list", item: item.name, element };
    }
    case "map": {
      if (!arrow.DataType.isMap(type)) return wrong();
      const entries = type.children[0]!;
      const names = entries.type.children?.map((f: arrow.Field) => f.name).join(",");
      if (!ENTRIES_NAMES.has(entries.name) || !arrow.DataType.isStruct(entries.type) || !(names === "keys,values" || names === "key,value")) {
        return `field '${path}' is ${describeArrowType(type)}; a map needs entries 'entries' (or 'key_value') of Struct<keys, values> (or <key, value>)`;
      }
      if (entries.nullable) return `field '${path}.${entries.name}' is nullable but map entries must be NOT NULL`;
      const [keyField, valueField] = entries.type.children as [arrow.Field, arrow.Field];
      if (keyField.nullable) return `field '${path}.${entries.name}.${keyField.name}' is nullable but map keys must be NOT NULL`;
      const entriesPath = `${path}.${entries.name}`;
      const key = planType(keyField.type, column.keyType, `${entriesPath}.${keyField.name}`, `'${entriesPath}.${keyField.name}'`);
      if (typeof key === "string") return key;
      if (valueField.nullable && !column.valueContainsNull) return `field '${entriesPath}.${valueField.name}' is nullable but the map's values are NOT NULL`;
      const value = planType(valueField.type, column.valueType, `${entriesPath}.${valueField.name}`, `'${entriesPath}.${valueField.name}'`);
      if (typeof value === "string") return value;
      return { kind: "map", names: [entries.name, keyField.name, valueField.name], key, value };
    }
    case "struct": {
      if (!arrow.DataType.isStruct(type)) return wrong();
      const declared = type.children;
      const wanted = column.fields;
      if (declared.length !== wanted.length || declared.some((f, i) => f.name.toLowerCase() !== wanted[i]!.name.toLowerCase())) {
        return `field '${path}' has the fields (${declared.map((f) => f.name).join(", ")}) but ${target} has (${wanted.map((f) => f.name).join(", ")})`;
      }
      const fields: ColumnSource[] = [];
      for (let i = 0; i < wanted.length; i++) {
        const planned = child(declared[i]!, wanted[i]!.type, wanted[i]!.nullable);
        if (typeof planned === "string") return planned;
        fields.push(planned);
      }
      return { kind: "struct", fields };
    }
    default:
      return sourceFor(type, column) ?? wrong();
  }
}

const ENTRIES_NAMES = new Set(["entries", "key_value"]);

function sourceFor(type: arrow.DataType, column: DeltaType): ColumnSource | undefined {
  if (column.kind === "decimal") {
    if (arrow.DataType.isDecimal(type)) {
      return type.bitWidth === 128 && type.precision === column.precision && type.scale === column.scale
        ? { kind: "decimal128", precision: column.precision, scale: column.scale }
        : undefined;
    }
    const text = textKind(type);
    return text === undefined ? undefined : { kind: "decimal-text", largeOffsets: text.large, precision: column.precision, scale: column.scale };
  }
  if (column.kind !== "primitive") return undefined;
  switch (column.name) {
    case "byte": return signedInt(type, 8) ? { kind: "fixed", byteWidth: 1 } : undefined;
    case "short": return signedInt(type, 16) ? { kind: "fixed", byteWidth: 2 } : undefined;
    case "integer": return signedInt(type, 32) ? { kind: "fixed", byteWidth: 4 } : undefined;
    case "long": return signedInt(type, 64) ? { kind: "fixed", byteWidth: 8 } : undefined;
    case "float": return arrow.DataType.isFloat(type) && type.precision === arrow.Precision.SINGLE ? { kind: "fixed", byteWidth: 4 } : undefined;
    case "double": return arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE ? { kind: "fixed", byteWidth: 8 } : undefined;
    case "boolean": return arrow.DataType.isBool(type) ? { kind: "bool" } : undefined;
    case "date": return arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY ? { kind: "fixed", byteWidth: 4 } : undefined;
    case "timestamp":
    case "timestamp_ntz": {
      if (!arrow.DataType.isTimestamp(type) || type.unit !== arrow.TimeUnit.MICROSECOND) return undefined;
      const zoned = type.timezone !== null && type.timezone !== undefined && type.timezone !== "";
      return zoned === (column.name === "timestamp") ? { kind: "fixed", byteWidth: 8 } : undefined;
    }
    case "string": {
      const text = textKind(type);
      return text === undefined ? undefined : { kind: "bytes", utf8: true, largeOffsets: text.large };
    }
    case "binary": {
      if (type.typeId === arrow.Type.Binary) return { kind: "bytes", utf8: false, largeOffsets: false };
      if (type.typeId === arrow.Type.LargeBinary) return { kind: "bytes", utf8: false, largeOffsets: true };
      return undefined;
    }
  }
}

function signedInt(type: arrow.DataType, bitWidth: number): boolean {
  return arrow.DataType.isInt(type) && type.isSigned && type.bitWidth === bitWidth;
}

function textKind(type: arrow.DataType): { large: boolean } | undefined {
  if (type.typeId === arrow.Type.Utf8) return { large: false };
  if (type.typeId === arrow.Type.LargeUtf8) return { large: true };
  return undefined;
}

const CANONICAL: Readonly<Record<string, string>> = {
  byte: "Int8", short: "Int16", integer: "Int32", long: "Int64", float: "Float32", double: "Float64", boolean: "Bool",
  string: "LargeUtf8 or Utf8", binary: "LargeBinary or Binary", date: "Date32",
  timestamp: "Timestamp(MICROSECOND, \"UTC\")", timestamp_ntz: "Timestamp(MICROSECOND) without a time zone",
};

function acceptedHint(type: DeltaType): string {
  if (type.kind === "decimal") return ` (expected Decimal128(${type.precision}, ${type.scale}) or LargeUtf8 decimal text)`;
  if (type.kind === "primitive") return ` (expected ${CANONICAL[type.name]})`;
  return ` (expected ${canonicalText(type)})`;
}

// The canonical Arrow type of a Delta type, as text (ARROW-FLIGHT.md §5).
function canonicalText(type: DeltaType): string {
  switch (type.kind) {
    case "decimal": return `Decimal128(${type.precision}, ${type.scale})`;
    case "primitive": return CANONICAL[type.name]!.split(" ")[0]!;
    case "array": return `List<item: ${canonicalText(type.elementType)}>`;
    case "map": return `Map<entries: Struct<keys: ${canonicalText(type.keyType)} NOT NULL, values: ${canonicalText(type.valueType)}>>`;
    case "struct": return `Struct<${type.fields.map((f) => `${f.name}: ${canonicalText(f.type)}`).join(", ")}>`;
  }
}

function typeText(type: DeltaType): string {
  return toTypeText(type).toUpperCase();
}
