/**
 * Table properties: which table a stream writes to and, for protobuf streams, the record schema.
 *
 * Two official shapes exist (PROTOCOL.md §9): the Python class `TableProperties(table_name, descriptor)`
 * and the official TypeScript interface `{ tableName, descriptorProto? }` with a base64 descriptor. Both are
 * accepted and normalised once, at stream creation, so bad input fails before any connection.
 */
import { resolveDescriptor } from "./descriptor/resolve-descriptor.js";
import type { DescriptorInput, ResolvedDescriptor } from "./descriptor/resolve-descriptor.js";
import { NonRetriableException } from "./errors.js";
import { parseTableName } from "./table-name.js";

/** The official TypeScript SDK's `TableProperties` interface. */
export interface TablePropertiesLike {
  /** Three-part table name, `catalog.schema.table`. */
  tableName: string;
  /** Base64 of the record message's serialized `DescriptorProto` (see `loadDescriptorProto`); PROTO only. */
  descriptorProto?: string;
}

/** Everything `createStream` accepts as table properties. */
export type TablePropertiesInput = TableProperties | TablePropertiesLike;

/** Table properties after validation. */
export interface NormalizedTableProperties {
  /** The validated three-part table name. */
  readonly tableName: string;
  /** The resolved record descriptor, when one was given. */
  readonly descriptor?: ResolvedDescriptor;
}

/** Table properties in the Python SDK's style: `new TableProperties("main.default.events", Row)`. */
export class TableProperties {
  /** Three-part table name, `catalog.schema.table`. */
  readonly tableName: string;
  /** The record descriptor, as given; resolved when the stream is created. */
  readonly descriptor: DescriptorInput | undefined;

  /** Validates the table name now; the descriptor is checked when a stream is created. */
  constructor(tableName: string, descriptor?: DescriptorInput) {
    parseTableName(tableName);
    this.tableName = tableName;
    this.descriptor = descriptor;
  }
}

/**
 * Validates table properties given as a {@link TableProperties} instance or a {@link TablePropertiesLike}
 * object, and resolves the descriptor into its self-contained form.
 */
export function normalizeTableProperties(input: unknown): NormalizedTableProperties {
  if (input instanceof TableProperties) return normalize(input.tableName, input.descriptor, "descriptor");
  if (typeof input !== "object" || input === null) {
    throw new NonRetriableException(
      `Invalid table properties: expected a TableProperties or { tableName, descriptorProto? }, got ${
        input === null ? "null" : typeof input
      }`,
    );
  }
  const plain = input as { tableName?: unknown; descriptorProto?: unknown; descriptor?: unknown };
  if (plain.descriptorProto !== undefined && plain.descriptor !== undefined) {
    throw new NonRetriableException("Invalid table properties: give either descriptorProto or descriptor, not both");
  }
  if (plain.descriptorProto !== undefined) return normalize(plain.tableName, plain.descriptorProto, "descriptorProto");
  return normalize(plain.tableName, plain.descriptor, "descriptor");
}

function normalize(tableName: unknown, descriptor: unknown, field: string): NormalizedTableProperties {
  parseTableName(tableName);
  const name = tableName as string;
  if (descriptor === undefined || descriptor === null) return { tableName: name };
  try {
    return { tableName: name, descriptor: resolveDescriptor(descriptor as DescriptorInput) };
  } catch (err) {
    if (err instanceof NonRetriableException) {
      throw new NonRetriableException(`Invalid table properties for '${name}' (${field}): ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}
