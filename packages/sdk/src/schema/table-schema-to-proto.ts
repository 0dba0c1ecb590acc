/**
 * Table schema → protobuf (PROTOCOL.md §11.3): a table's columns as `.proto` source, as the serialized
 * `DescriptorProto` a PROTO stream sends, or as a `FileDescriptorSet` file. The descriptor form is what
 * lets an application send plain objects in PROTO mode with no generated code: fetch the columns at run
 * time (`fetchTableSchema`), build the descriptor, and hand it to `TableProperties`.
 */
import { encodeDescriptorProto } from "../descriptor/protobuf-runtime.js";
import { NonRetriableException } from "../errors.js";
import type { ColumnField, TableColumn } from "./column-type.js";
import { parseColumnList } from "./parse-column-type.js";
import { toDescriptorProto, encodeFileDescriptorSet } from "./proto-descriptor.js";
import { buildProtoMessage, tableColumnField, type ProtoMessage } from "./proto-message.js";
import { renderProtoText } from "./proto-text.js";

/**
 * A table schema: the columns as the Unity Catalog REST API returns them (what `fetchTableSchema`
 * resolves with), or a SQL column list such as `"device_name STRING NOT NULL, temp INT"`.
 */
export type TableSchemaInput = readonly TableColumn[] | string;

/** Options of {@link tableSchemaToProto} and {@link tableSchemaToDescriptor}. */
export interface TableSchemaProtoOptions {
  /**
   * The message name, e.g. `AirQuality`: letters, digits and underscores, not starting with a digit. The
   * official generators use the table's own name (the last part of `catalog.schema.table`).
   */
  messageName: string;
}

/** Options of {@link tableSchemaToDescriptorSet}. */
export interface TableSchemaDescriptorSetOptions extends TableSchemaProtoOptions {
  /** The name of the one file in the set. Default: `<messageName>.proto`. */
  fileName?: string | undefined;
}

/**
 * The proto2 source of one message for a table's columns, by the official generators' rules: fields
 * numbered 1, 2, … in column order (skipping 19000–19999); NOT NULL columns `required`, the others
 * `optional`; arrays `repeated`; maps as map fields; structs as nested messages named in PascalCase.
 *
 * Types: tinyint/smallint/int/date → int32 (dates as days since 1970-01-01); bigint/timestamp/timestamp_ntz
 * → int64 (microseconds since the epoch); float; double; boolean → bool; string, char, varchar and variant
 * → string; binary → bytes; decimal → string holding the decimal text (`"12.34"`).
 *
 * @throws NonRetriableException naming the column when a type has no proto2 form (`array<array<…>>`,
 *   `array<map<…>>`, map keys other than integers, boolean or string, map values that are arrays or maps,
 *   interval types), when a name is not a protobuf identifier or is a protobuf keyword, or when the
 *   message name is not an identifier.
 */
export function tableSchemaToProto(columns: TableSchemaInput, options: TableSchemaProtoOptions): string {
  return renderProtoText(messageOf(columns, options));
}

/**
 * The serialized, self-contained `DescriptorProto` of the same message as {@link tableSchemaToProto}:
 * pass it to `new TableProperties(tableName, descriptor)` and a PROTO stream then accepts plain objects
 * keyed by column name (int64 columns as `bigint`, number or decimal string; binary as `Uint8Array`;
 * structs as nested objects; arrays as arrays; maps as objects).
 *
 * @throws NonRetriableException as {@link tableSchemaToProto} does.
 */
export function tableSchemaToDescriptor(columns: TableSchemaInput, options: TableSchemaProtoOptions): Uint8Array {
  return encodeDescriptorProto(toDescriptorProto(messageOf(columns, options)));
}

/**
 * A serialized `FileDescriptorSet` (what `protoc --descriptor_set_out` writes) holding one proto2 file that
 * defines the same message as {@link tableSchemaToProto}; `loadDescriptorProto` reads it back.
 *
 * @throws NonRetriableException as {@link tableSchemaToProto} does.
 */
export function tableSchemaToDescriptorSet(columns: TableSchemaInput, options: TableSchemaDescriptorSetOptions): Uint8Array {
  const message = messageOf(columns, options);
  return encodeFileDescriptorSet(message, options.fileName ?? `${message.name}.proto`);
}

function messageOf(columns: TableSchemaInput, options: TableSchemaProtoOptions): ProtoMessage {
  if (options === null || typeof options !== "object") {
    throw new NonRetriableException("table schema → proto: options { messageName } are required");
  }
  return buildProtoMessage(fieldsOf(columns), options.messageName);
}

function fieldsOf(columns: TableSchemaInput): ColumnField[] {
  if (typeof columns === "string") return parseColumnList(columns);
  if (!Array.isArray(columns)) {
    throw new NonRetriableException(`table schema → proto: expected an array of columns or a SQL column list, got ${typeof columns}`);
  }
  return columns.map(tableColumnField);
}
