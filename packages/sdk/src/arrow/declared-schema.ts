/**
 * The schema an Arrow stream declares: built from `schemaFields` (official TypeScript shape, ARROW-FLIGHT.md
 * §6) or taken from an apache-arrow `Schema`, checked, and encoded once as the IPC `Schema` message that
 * opens every connection. Also the comparison every batch's schema must pass.
 */
import type { DataType, Field, Schema } from "apache-arrow";
import { NonRetriableException } from "../errors.js";
import { ArrowDataType, type ArrowTableProperties } from "./arrow-types.js";
import { MessageKind, readIpcMessages } from "./ipc-messages.js";
import type { ArrowModule } from "./load-arrow.js";

/** A declared schema and its encoded message. */
export interface DeclaredSchema {
  readonly schema: Schema;
  /** The IPC `Message` flatbuffer of the schema (frame 0's `data_header`). */
  readonly message: Uint8Array;
}

function typeOf(arrow: ArrowModule, dataType: unknown, name: string): DataType {
  switch (dataType) {
    case ArrowDataType.Boolean: return new arrow.Bool();
    case ArrowDataType.Int8: return new arrow.Int8();
    case ArrowDataType.Int16: return new arrow.Int16();
    case ArrowDataType.Int32: return new arrow.Int32();
    case ArrowDataType.Int64: return new arrow.Int64();
    case ArrowDataType.UInt8: return new arrow.Uint8();
    case ArrowDataType.UInt16: return new arrow.Uint16();
    case ArrowDataType.UInt32: return new arrow.Uint32();
    case ArrowDataType.UInt64: return new arrow.Uint64();
    case ArrowDataType.Float32: return new arrow.Float32();
    case ArrowDataType.Float64: return new arrow.Float64();
    case ArrowDataType.Utf8: return new arrow.Utf8();
    case ArrowDataType.LargeUtf8: return new arrow.LargeUtf8();
    case ArrowDataType.Binary: return new arrow.Binary();
    case ArrowDataType.LargeBinary: return new arrow.LargeBinary();
    case ArrowDataType.Date32: return new arrow.DateDay();
    case ArrowDataType.Date64: return new arrow.DateMillisecond();
    case ArrowDataType.TimestampMicros: return new arrow.TimestampMicrosecond("UTC");
    case ArrowDataType.TimestampNanos: return new arrow.TimestampNanosecond("UTC");
  }
  // The official binding quietly turns an unknown type into Utf8; naming the mistake is kinder.
  throw new NonRetriableException(`Invalid Arrow field '${name}': unknown dataType ${String(dataType)} (expected an ArrowDataType value, 0–18)`);
}

function fieldsSchema(arrow: ArrowModule, fields: unknown): Schema {
  if (!Array.isArray(fields) || fields.length === 0) {
    throw new NonRetriableException("Invalid Arrow table properties: schemaFields must be a non-empty array of { name, dataType, nullable? }");
  }
  return new arrow.Schema(
    fields.map((field: { name?: unknown; dataType?: unknown; nullable?: unknown }, i) => {
      if (typeof field !== "object" || field === null || typeof field.name !== "string" || field.name === "") {
        throw new NonRetriableException(`Invalid Arrow field #${i}: expected { name: non-empty string, dataType, nullable? }`);
      }
      if (field.nullable !== undefined && typeof field.nullable !== "boolean") {
        throw new NonRetriableException(`Invalid Arrow field '${field.name}': nullable must be a boolean`);
      }
      return new arrow.Field(field.name, typeOf(arrow, field.dataType, field.name), field.nullable ?? true);
    }),
  );
}

/** Refuses dictionary-encoded fields (the service takes none: ARROW-FLIGHT.md §2), naming the first one. */
export function assertNoDictionaries(arrow: ArrowModule, schema: Schema, what: string): void {
  const field = schema.fields.find((f) => arrow.DataType.isDictionary(f.type));
  if (field) {
    throw new NonRetriableException(
      `${what}: column '${field.name}' is dictionary-encoded (${String(field.type)}); the service takes plain columns: decode it to its value type first`,
    );
  }
}

/** The schema `properties` declare, checked and encoded. */
export function declaredSchema(arrow: ArrowModule, properties: ArrowTableProperties): DeclaredSchema {
  const { schemaFields, schema } = properties;
  if ((schemaFields === undefined) === (schema === undefined)) {
    throw new NonRetriableException("Invalid Arrow table properties: give either schemaFields or schema (an apache-arrow Schema)");
  }
  let declared: Schema;
  if (schema !== undefined) {
    if (!(schema instanceof arrow.Schema) && !Array.isArray((schema as { fields?: unknown }).fields)) {
      throw new NonRetriableException("Invalid Arrow table properties: schema must be an apache-arrow Schema");
    }
    declared = schema as Schema;
    if (declared.fields.length === 0) throw new NonRetriableException("Invalid Arrow table properties: the schema has no fields");
  } else {
    declared = fieldsSchema(arrow, schemaFields);
  }
  assertNoDictionaries(arrow, declared, "Invalid Arrow schema");
  const ipc = arrow.tableToIPC(new arrow.Table(declared), "stream");
  const message = readIpcMessages(ipc).find((m) => m.kind === MessageKind.Schema);
  if (!message) throw new NonRetriableException("Could not encode the Arrow schema");
  return { schema: declared, message: message.header.slice() };
}

function describeField(field: Field): string {
  return `'${field.name}' ${String(field.type)}${field.nullable ? " (nullable)" : " (not null)"}`;
}

/**
 * `undefined` when `actual` matches `expected` (same field names, order, types and nullability), else what
 * differs first. Field and schema metadata are not compared.
 */
export function schemaDifference(arrow: ArrowModule, expected: Schema, actual: Schema): string | undefined {
  if (expected.fields.length !== actual.fields.length) {
    return `${actual.fields.length} columns where the stream has ${expected.fields.length} (${expected.fields.map((f) => f.name).join(", ")})`;
  }
  for (let i = 0; i < expected.fields.length; i++) {
    const [want, got] = [expected.fields[i]!, actual.fields[i]!];
    if (want.name !== got.name || want.nullable !== got.nullable || !arrow.util.compareTypes(want.type, got.type)) {
      return `column #${i} is ${describeField(got)} where the stream has ${describeField(want)}`;
    }
  }
  return undefined;
}
