/**
 * The table schema model shared by the whole local service: Delta Lake's data types (Spark JSON schema
 * names), and the in-memory value each type takes in a row.
 *
 * Row values (what record decoding produces and what the Parquet writer consumes; `null` is SQL NULL):
 * | Delta type                     | JS value                                   |
 * |--------------------------------|--------------------------------------------|
 * | byte, short, integer           | number                                     |
 * | long                           | bigint                                     |
 * | float, double                  | number                                     |
 * | boolean                        | boolean                                    |
 * | string                         | string                                     |
 * | binary                         | Uint8Array                                 |
 * | date                           | number (days since 1970-01-01)             |
 * | timestamp, timestamp_ntz       | bigint (microseconds since the epoch)      |
 * | decimal(p, s)                  | bigint (the unscaled value)                |
 * | struct                         | Row (object keyed by field name)           |
 * | array                          | RowValue[]                                 |
 * | map                            | Array<[key, value]> (entries, in order)    |
 */

/** Delta's primitive type names, as they appear in a table's schemaString. */
export type DeltaPrimitiveName =
  | "byte"
  | "short"
  | "integer"
  | "long"
  | "float"
  | "double"
  | "boolean"
  | "string"
  | "binary"
  | "date"
  | "timestamp"
  | "timestamp_ntz";

/** A Delta data type. */
export type DeltaType =
  | { kind: "primitive"; name: DeltaPrimitiveName }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "struct"; fields: DeltaField[] }
  | { kind: "array"; elementType: DeltaType; containsNull: boolean }
  | { kind: "map"; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };

/** A named column or struct field. */
export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  /** Spark field metadata (column mapping ids, comments, …); `{}` when none. */
  metadata: Record<string, unknown>;
}

/** One value of a row (see the table above). */
export type RowValue =
  | null
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | Row
  | RowValue[]
  | Array<[RowValue, RowValue]>;

/** One row: column name to value. A column absent from the object is NULL. */
export interface Row {
  [column: string]: RowValue;
}
