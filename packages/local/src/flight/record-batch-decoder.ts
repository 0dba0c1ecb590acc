/**
 * Turns one IPC RecordBatch (its header's field nodes and buffer regions, and the frame's body) into the
 * table's Arrow columns, following the plans of the schema check. Nested columns (List, Map, Struct)
 * take their children's nodes and buffers depth-first, as the IPC format lays them out; a struct's nulls
 * are pushed down into its children (so a child is null wherever its struct is, as in rows).
 * Fixed-width columns are views of the received body (copied only when misaligned or compressed); the
 * few conversions are loops over typed arrays — no object per row — except DECIMAL columns sent as
 * text, which are parsed value by value. Everything a Parquet writer would trust is checked
 * (`batch-buffers.ts`): buffer bounds, offsets, UTF-8, NOT NULL, decimal precision.
 */
import * as arrow from "apache-arrow";
import { toArrowType } from "../delta/arrow-builders.js";
import { selectColumnRows } from "../delta/select-column-rows.js";
import type { DeltaType } from "../schema/delta-type.js";
import type { ColumnPlan, ColumnSource } from "./arrow-schema-check.js";
import { aligned, checkDecimals, checkUtf8, fixedWidth, listOffsets, parseDecimals, validity, variableWidth } from "./batch-buffers.js";
import { decompressBuffer, type BodyCodec } from "./body-codecs.js";
import { InvalidBatchError } from "./invalid-batch-error.js";

export { InvalidBatchError };

/** The parts of an IPC RecordBatch header the decoder reads. */
export interface RecordBatchHeader {
  length: number;
  nodes: ReadonlyArray<{ length: number; nullCount: number }>;
  buffers: ReadonlyArray<{ offset: number; length: number }>;
  compression: { type: number } | null;
}


/** The most a compressed batch may expand to: bounds the memory one frame can claim. */
export const MAX_DECOMPRESSED_BATCH_BYTES = 256 * 1024 * 1024;

/** The table's columns of one batch, in table order, typed as the Parquet writer expects. */
export interface DecodedBatch {
  numRows: number;
  columns: arrow.Data[];
}

/** Decodes a RecordBatch's body into the planned columns. */
export function decodeRecordBatch(header: RecordBatchHeader, body: Uint8Array, plans: readonly ColumnPlan[]): DecodedBatch {
  const numRows = header.length;
  if (!Number.isSafeInteger(numRows) || numRows < 0) throw new InvalidBatchError(`the batch length ${numRows} is not a row count`);
  const codec = header.compression === null ? undefined : codecOf(header.compression.type);
  const reader = { next: 0, decompressed: 0 };
  const take = (column: string): Uint8Array => {
    const region = header.buffers[reader.next++];
    if (region === undefined) throw new InvalidBatchError(`column '${column}': the batch has too few buffers`);
    const { offset, length } = region;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > body.length) {
      throw new InvalidBatchError(`column '${column}': buffer [${offset}, +${length}) lies outside the ${body.length}-byte body`);
    }
    const raw = body.subarray(offset, offset + length);
    if (codec === undefined || raw.length === 0) return raw;
    let decoded: Uint8Array;
    try {
      decoded = decompressBuffer(codec, raw);
    } catch (err) {
      throw new InvalidBatchError(`column '${column}': ${(err as Error).message}`);
    }
    reader.decompressed += decoded.length;
    if (reader.decompressed > MAX_DECOMPRESSED_BATCH_BYTES) {
      throw new InvalidBatchError(`the batch decompresses to more than ${MAX_DECOMPRESSED_BATCH_BYTES} bytes`);
    }
    return decoded;
  };
  const cursor: Cursor = { nodes: header.nodes, next: 0, take };
  const columns = plans.map((plan) => decodeValue({ path: plan.field.name, type: plan.field.type, nullable: plan.field.nullable, source: plan.source }, toArrowType(plan.field.type), cursor, numRows));
  if (cursor.next !== header.nodes.length) {
    throw new InvalidBatchError(`the batch has ${header.nodes.length} field node(s) but the table's ${plans.length} column(s) use ${cursor.next} (extra fields are not accepted)`);
  }
  if (reader.next !== header.buffers.length) {
    throw new InvalidBatchError(`the batch has ${header.buffers.length} buffers, but its columns use ${reader.next}`);
  }
  return { numRows, columns };
}

/** Where the next field node and buffer come from. */
interface Cursor {
  nodes: RecordBatchHeader["nodes"];
  next: number;
  take(path: string): Uint8Array;
}

/** One value to decode: its path (`tags.item`), Delta type, nullability and plan. */
interface Slot {
  path: string;
  type: DeltaType;
  nullable: boolean;
  source: ColumnSource;
}

function codecOf(type: number): BodyCodec {
  if (type === 0) return "lz4-frame";
  if (type === 1) return "zstd";
  throw new InvalidBatchError(`unknown body compression codec ${type} (expected LZ4_FRAME 0 or ZSTD 1)`);
}

// Decodes the value at the cursor; `expectedLength` when its length is known (columns, struct fields).
function decodeValue(slot: Slot, type: arrow.DataType, cursor: Cursor, expectedLength?: number): arrow.Data {
  const name = slot.path;
  const node = cursor.nodes[cursor.next++];
  if (node === undefined) throw new InvalidBatchError(`field '${name}': the batch has too few field nodes`);
  const length = Number(node.length);
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidBatchError(`field '${name}': ${node.length} is not a value count`);
  if (expectedLength !== undefined && length !== expectedLength) {
    throw new InvalidBatchError(`${name.includes(".") ? "field" : "column"} '${name}' has ${length} values in a batch of ${expectedLength} rows`);
  }
  const { nullBitmap, nullCount } = validity(cursor.take(name), length, name);
  if (nullCount > 0 && !slot.nullable) throw new InvalidBatchError(`${name.includes(".") ? "field" : "column"} '${name}' is NOT NULL but ${nullCount} value(s) are null`);
  const common = { type, length, nullCount, nullBitmap };
  const source = slot.source;
  switch (source.kind) {
    case "list":
    case "map":
      return decodeListLike(slot, source, common, cursor);
    case "struct": {
      const fields = (slot.type as Extract<DeltaType, { kind: "struct" }>).fields;
      const children = fields.map((field, i) =>
        withParentNulls(decodeValue({ path: `${name}.${field.name}`, type: field.type, nullable: field.nullable, source: source.fields[i]! }, type.children[i]!.type, cursor, length), nullBitmap, nullCount),
      );
      return make({ ...common, children });
    }
    default:
      return decodeLeaf(source, name, length, common, cursor);
  }
}

function decodeLeaf(source: ColumnSource, name: string, length: number, common: Record<string, unknown>, cursor: Cursor): arrow.Data {
  const take = cursor.take;
  const { nullBitmap, nullCount } = common as { nullBitmap: Uint8Array | undefined; nullCount: number };
  switch (source.kind) {
    case "fixed":
      return make({ ...common, data: aligned(fixedWidth(take(name), length * source.byteWidth, name)) });
    case "bool":
      return make({ ...common, data: fixedWidth(take(name), Math.ceil(length / 8), name) });
    case "decimal128": {
      const bytes = aligned(fixedWidth(take(name), length * 16, name));
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, length * 4);
      checkDecimals(words, length, nullBitmap, nullCount, source.precision, source.scale, name);
      return make({ ...common, data: words });
    }
    case "bytes": {
      const { offsets, data } = variableWidth(take(name), take(name), length, source.largeOffsets, name);
      if (source.utf8) checkUtf8(offsets, data, name);
      return make({ ...common, valueOffsets: offsets, data });
    }
    case "decimal-text": {
      const { offsets, data } = variableWidth(take(name), take(name), length, source.largeOffsets, name);
      return make({ ...common, data: parseDecimals(offsets, data, length, nullBitmap, nullCount, source.precision, source.scale, name) });
    }
    default:
      throw new InvalidBatchError(`field '${name}': unexpected ${source.kind} plan`);
  }
}

// A List (its elements) or a Map (its entries, a NOT NULL struct of key and value): offsets into a
// child whose range is checked against the child's length; a child that is longer than the offsets
// reach, or starts later, is cut to the range they use, so offsets start at 0.
function decodeListLike(slot: Slot, source: Extract<ColumnSource, { kind: "list" | "map" }>, common: { type: arrow.DataType; length: number }, cursor: Cursor): arrow.Data {
  const name = slot.path;
  const length = common.length;
  const raw = cursor.take(name);
  const offsets = length === 0 && raw.length === 0 ? new Int32Array(1) : listOffsets(raw, length, name);
  let child: arrow.Data;
  let childName: string;
  if (source.kind === "list") {
    const type = slot.type as Extract<DeltaType, { kind: "array" }>;
    childName = `${name}.${source.item}`;
    child = decodeValue({ path: childName, type: type.elementType, nullable: type.containsNull, source: source.element }, common.type.children[0]!.type, cursor);
  } else {
    const type = slot.type as Extract<DeltaType, { kind: "map" }>;
    const [entries, key, value] = source.names;
    childName = `${name}.${entries}`;
    const entriesType: DeltaType = {
      kind: "struct",
      fields: [
        { name: key, type: type.keyType, nullable: false, metadata: {} },
        { name: value, type: type.valueType, nullable: type.valueContainsNull, metadata: {} },
      ],
    };
    child = decodeValue({ path: childName, type: entriesType, nullable: false, source: { kind: "struct", fields: [source.key, source.value] } }, common.type.children[0]!.type, cursor);
  }
  const first = offsets[0]!;
  const last = offsets[length]!;
  if (last > child.length) throw new InvalidBatchError(`field '${name}': offsets reach value ${last} of '${childName}', which has ${child.length}`);
  if (first === 0 && last === child.length) return make({ ...common, valueOffsets: offsets, child });
  const rebased = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) rebased[i] = offsets[i]! - first;
  return make({ ...common, valueOffsets: rebased, child: selectColumnRows(child, { start: first, end: last }) });
}

// A struct field is null wherever its struct is: the child's validity ANDed with the parent's (and
// again for the fields of a struct field), as a row's struct field reads NULL under a NULL struct.
function withParentNulls(data: arrow.Data, parent: Uint8Array | undefined, parentNulls: number): arrow.Data {
  if (parentNulls === 0 || parent === undefined) return data;
  const length = data.length;
  const own = data.nullCount > 0 ? data.nullBitmap : undefined;
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  let valid = 0;
  for (let i = 0; i < length; i++) {
    const bit = 1 << (i & 7);
    if ((parent[i >> 3]! & bit) !== 0 && (own === undefined || (own[i >> 3]! & bit) !== 0)) {
      nullBitmap[i >> 3]! |= bit;
      valid++;
    }
  }
  const nullCount = length - valid;
  const children = arrow.DataType.isStruct(data.type) ? data.children.map((child) => withParentNulls(child, nullBitmap, nullCount)) : data.children;
  return data.clone(data.type, 0, length, nullCount, [data.valueOffsets, data.values, nullBitmap, undefined] as never, children);
}

// makeData's overloads are keyed on the concrete Arrow type; the props built above match the type.
function make(props: Record<string, unknown>): arrow.Data {
  return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as arrow.Data;
}
