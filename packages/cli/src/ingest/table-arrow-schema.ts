/**
 * The Arrow schema a Delta table takes over Arrow Flight: the canonical mapping of Unity Catalog column
 * types to Arrow types (ARROW-FLIGHT.md §5) — the schema the service builds from the table, so batches
 * converted to it are accepted as they are.
 */
import * as arrow from "apache-arrow";
import type { ColumnField, ColumnType } from "@zerobus-ts/sdk";

/** A table column with the Arrow field it is sent as. */
export interface TableArrowColumn {
  column: ColumnField;
  field: arrow.Field;
}

/** The table's columns as Arrow fields, in table order. */
export function tableArrowColumns(columns: readonly ColumnField[]): TableArrowColumn[] {
  return columns.map((column) => ({ column, field: arrowField(column) }));
}

/** The Arrow field of a column or struct field, with its nullability. */
export function arrowField(column: ColumnField): arrow.Field {
  return new arrow.Field(column.name, arrowType(column.type), column.nullable);
}

/** The canonical Arrow type of a column type (decimals travel as their text, as the official clients send them). */
export function arrowType(type: ColumnType): arrow.DataType {
  switch (type.kind) {
    case "char":
    case "decimal":
      return new arrow.LargeUtf8();
    case "array":
      return new arrow.List(new arrow.Field("item", arrowType(type.element), true));
    case "map": {
      const entries = new arrow.Struct([new arrow.Field("keys", arrowType(type.key), false), new arrow.Field("values", arrowType(type.value), true)]);
      return new arrow.Map_(new arrow.Field("entries", entries, false), false);
    }
    case "struct":
      return new arrow.Struct(type.fields.map(arrowField));
    case "primitive":
      return primitiveType(type.name);
  }
}

function primitiveType(name: Extract<ColumnType, { kind: "primitive" }>["name"]): arrow.DataType {
  switch (name) {
    case "tinyint":
      return new arrow.Int8();
    case "smallint":
      return new arrow.Int16();
    case "int":
      return new arrow.Int32();
    case "bigint":
      return new arrow.Int64();
    case "float":
      return new arrow.Float32();
    case "double":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "string":
      return new arrow.LargeUtf8();
    case "binary":
      return new arrow.LargeBinary();
    case "date":
      return new arrow.DateDay();
    case "timestamp":
      return new arrow.TimestampMicrosecond("UTC");
    case "timestamp_ntz":
      return new arrow.TimestampMicrosecond();
    case "variant":
      return new arrow.Struct([new arrow.Field("metadata", new arrow.LargeBinary(), false), new arrow.Field("value", new arrow.LargeBinary(), false)]);
  }
}

/** `INT`, `STRING`, `ARRAY<…>`: how a column type is named in messages. */
export function columnTypeText(type: ColumnType): string {
  switch (type.kind) {
    case "primitive":
      return type.name.toUpperCase();
    case "char":
      return `${type.varying ? "VARCHAR" : "CHAR"}(${type.length})`;
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "array":
      return `ARRAY<${columnTypeText(type.element)}>`;
    case "map":
      return `MAP<${columnTypeText(type.key)},${columnTypeText(type.value)}>`;
    case "struct":
      return `STRUCT<${type.fields.map((f) => `${f.name}:${columnTypeText(f.type)}`).join(",")}>`;
  }
}
