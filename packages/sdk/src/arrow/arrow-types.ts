/**
 * The public types of Arrow streams, in the official TypeScript SDK's shape (ARROW-FLIGHT.md §6), plus
 * structural stand-ins for the apache-arrow classes so that the SDK's type declarations never require
 * apache-arrow to be installed (it is an optional peer dependency, loaded only by Arrow streams).
 */

/**
 * The column types an {@link ArrowField} can declare, with the official TypeScript SDK's numeric values.
 * For other Arrow types (decimals, lists, structs, …), declare the stream with an apache-arrow `Schema`.
 */
export enum ArrowDataType {
  /** Arrow `Bool`. */
  Boolean = 0,
  /** Arrow `Int8`. */
  Int8 = 1,
  /** Arrow `Int16`. */
  Int16 = 2,
  /** Arrow `Int32`. */
  Int32 = 3,
  /** Arrow `Int64`. */
  Int64 = 4,
  /** Arrow `Uint8`. */
  UInt8 = 5,
  /** Arrow `Uint16`. */
  UInt16 = 6,
  /** Arrow `Uint32`. */
  UInt32 = 7,
  /** Arrow `Uint64`. */
  UInt64 = 8,
  /** Arrow `Float32`. */
  Float32 = 9,
  /** Arrow `Float64`. */
  Float64 = 10,
  /** Arrow `Utf8` (32-bit offsets). */
  Utf8 = 11,
  /** Arrow `LargeUtf8` (64-bit offsets): what Delta `STRING` columns map to. */
  LargeUtf8 = 12,
  /** Arrow `Binary` (32-bit offsets). */
  Binary = 13,
  /** Arrow `LargeBinary`: what Delta `BINARY` columns map to. */
  LargeBinary = 14,
  /** Arrow `Date32` (days since the epoch). */
  Date32 = 15,
  /** Arrow `Date64` (milliseconds since the epoch). */
  Date64 = 16,
  /** Arrow `Timestamp(MICROSECOND, "UTC")`: what Delta `TIMESTAMP` columns map to. */
  TimestampMicros = 17,
  /** Arrow `Timestamp(NANOSECOND, "UTC")`. */
  TimestampNanos = 18,
}

/** IPC body compression of the frames an Arrow stream sends, with the official numeric values. */
export enum IpcCompressionType {
  /** LZ4 frame format. */
  Lz4Frame = 0,
  /** Zstandard. */
  Zstd = 1,
}

/** One column of an Arrow stream's schema (the official TypeScript SDK's `ArrowField`). */
export interface ArrowField {
  /** Column name, as in the table. */
  name: string;
  /** Column type: an {@link ArrowDataType} value. */
  dataType: ArrowDataType | number;
  /** Whether the column may hold nulls. Default `true`. */
  nullable?: boolean;
}

/** An apache-arrow `Schema` (structural stand-in, so that apache-arrow stays optional). */
export interface ArrowSchemaLike {
  /** The schema's fields, in order. */
  readonly fields: readonly unknown[];
}

/** An apache-arrow `RecordBatch` (structural stand-in). */
export interface ArrowRecordBatchLike {
  /** The batch's schema. */
  readonly schema: ArrowSchemaLike;
  /** Rows in the batch. */
  readonly numRows: number;
}

/** An apache-arrow `Table` (structural stand-in). */
export interface ArrowTableLike {
  /** The table's schema. */
  readonly schema: ArrowSchemaLike;
  /** The table's record batches, in order. */
  readonly batches: readonly ArrowRecordBatchLike[];
}

/**
 * What `ZerobusArrowStream.ingestBatch` takes: Arrow IPC *stream* bytes (a schema message, record batches,
 * optionally the end-of-stream marker), an apache-arrow `RecordBatch`, or an apache-arrow `Table`.
 */
export type ArrowBatchInput = Uint8Array | ArrowRecordBatchLike | ArrowTableLike;

/**
 * The table and schema of an Arrow stream: `schemaFields` (the official TypeScript SDK's shape) or
 * `schema` (an apache-arrow `Schema`), not both.
 */
export interface ArrowTableProperties {
  /** Three-part table name, `catalog.schema.table`. */
  tableName: string;
  /** The columns, in table order (official TypeScript SDK shape). */
  schemaFields?: readonly ArrowField[];
  /** An apache-arrow `Schema` instead of `schemaFields` (any Arrow type, field metadata kept). */
  schema?: ArrowSchemaLike;
}
