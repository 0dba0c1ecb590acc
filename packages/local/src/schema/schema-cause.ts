/**
 * Why a declared schema (an Arrow schema, a protobuf descriptor) does not fit a table: the cause tokens
 * of the real service's schema ErrorInfo (OFFICIAL-2X.md §6).
 */
export type SchemaCause =
  /** A declared field names no column of the table. */
  | "FIELD_NOT_IN_TABLE"
  /** A NOT NULL column has no declared field. */
  | "MISSING_REQUIRED_COLUMN"
  /** The fields name the table's columns, but in another order. */
  | "FIELD_OUT_OF_ORDER"
  /** A field's type (or nullability) cannot be written to its column. */
  | "TYPE_INCOMPATIBLE"
  /** More or fewer fields than the table has columns. */
  | "FIELD_COUNT_MISMATCH";
