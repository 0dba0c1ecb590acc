import * as arrow from "apache-arrow";
import type { DeltaField, DeltaType, Row, RowValue } from "../schema/delta-type.js";
import { columnId, PARQUET_FIELD_ID_KEY } from "./column-mapping.js";
import { writeDecimal128 } from "./decimal128.js";

/**
 * Builds Arrow columns from row values for the Parquet writer. Vectors are assembled with `makeData`
 * from typed arrays we fill ourselves: this is much faster than apache-arrow's generic builders, keeps
 * int64 and microsecond timestamps exact (BigInt64Array), and is the only way to make Decimal128.
 *
 * Every column gets its own buffers: apache-arrow's IPC writer produced unreadable output when two
 * columns shared one typed array, so nothing here is reused across columns.
 */

/** Names Spark and parquet-rs use for the element of a 3-level LIST and the entries of a MAP. */
const LIST_ELEMENT = "element";
const MAP_ENTRIES = "key_value";

/** The Arrow type written for a Delta type (timestamps: µs, UTC-adjusted unless `timestamp_ntz`). */
export function toArrowType(type: DeltaType): arrow.DataType {
  switch (type.kind) {
    case "decimal":
      return new arrow.Decimal(type.scale, type.precision, 128);
    case "struct":
      return new arrow.Struct(type.fields.map(toArrowField));
    case "array":
      return new arrow.List(new arrow.Field(LIST_ELEMENT, toArrowType(type.elementType), type.containsNull));
    case "map": {
      const entries = new arrow.Struct([
        new arrow.Field("key", toArrowType(type.keyType), false),
        new arrow.Field("value", toArrowType(type.valueType), type.valueContainsNull),
      ]);
      return new arrow.Map_(new arrow.Field(MAP_ENTRIES, entries, false), false);
    }
    case "primitive":
      return primitiveArrowType(type.name);
  }
}

function primitiveArrowType(name: string): arrow.DataType {
  switch (name) {
    case "byte": return new arrow.Int8();
    case "short": return new arrow.Int16();
    case "integer": return new arrow.Int32();
    case "long": return new arrow.Int64();
    case "float": return new arrow.Float32();
    case "double": return new arrow.Float64();
    case "boolean": return new arrow.Bool();
    case "string": return new arrow.Utf8();
    case "binary": return new arrow.Binary();
    case "date": return new arrow.DateDay();
    case "timestamp": return new arrow.TimestampMicrosecond("UTC");
    case "timestamp_ntz": return new arrow.TimestampMicrosecond();
    default: throw new TypeError(`No Arrow type for ${name}`);
  }
}

/**
 * The Arrow field for a Delta field. A column-mapping id in the field's metadata becomes the Arrow
 * metadata parquet-rs writes as the Parquet `field_id` (column mapping requires it in data files).
 */
export function toArrowField(field: DeltaField): arrow.Field {
  const id = columnId(field);
  const metadata = id === undefined ? null : new Map([[PARQUET_FIELD_ID_KEY, String(id)]]);
  return new arrow.Field(field.name, toArrowType(field.type), field.nullable, metadata);
}

/** Builds one Arrow column from the values of `type` (missing values, `undefined`, are NULL). */
export function buildArrowData(type: DeltaType, values: ReadonlyArray<RowValue | undefined>): arrow.Data {
  const arrowType = toArrowType(type);
  return buildData(type, arrowType, values);
}

function buildData(type: DeltaType, arrowType: arrow.DataType, values: ReadonlyArray<RowValue | undefined>): arrow.Data {
  const { nullBitmap, nullCount } = validity(values);
  const length = values.length;
  const common = { type: arrowType, length, nullCount, nullBitmap } as Record<string, unknown>;
  switch (type.kind) {
    case "struct": {
      const children = type.fields.map((field, i) =>
        buildData(field.type, (arrowType as arrow.Struct).children[i]!.type, values.map((v) => (v == null ? null : (v as Row)[field.name]))),
      );
      return make({ ...common, children });
    }
    case "array": {
      const { offsets, flat } = flatten(values as ReadonlyArray<RowValue[] | null | undefined>);
      const child = buildData(type.elementType, (arrowType as arrow.List).children[0]!.type, flat);
      return make({ ...common, valueOffsets: offsets, child });
    }
    case "map":
      return buildMap(type, arrowType as arrow.Map_, values, common);
    case "decimal": {
      const words = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) if (values[i] != null) writeDecimal128(words, i, values[i] as bigint);
      return make({ ...common, data: words });
    }
    case "primitive":
      return buildPrimitive(type.name, values, common);
  }
}

function buildMap(
  type: Extract<DeltaType, { kind: "map" }>,
  arrowType: arrow.Map_,
  values: ReadonlyArray<RowValue | undefined>,
  common: Record<string, unknown>,
): arrow.Data {
  const { offsets, flat } = flatten(values as ReadonlyArray<Array<[RowValue, RowValue]> | null | undefined>);
  const entriesType = arrowType.children[0]!.type as arrow.Struct;
  const keys = buildData(type.keyType, entriesType.children[0]!.type, flat.map((entry) => entry[0]));
  const vals = buildData(type.valueType, entriesType.children[1]!.type, flat.map((entry) => entry[1]));
  const entries = make({ type: entriesType, length: flat.length, nullCount: 0, children: [keys, vals] });
  return make({ ...common, valueOffsets: offsets, child: entries });
}

function buildPrimitive(name: string, values: ReadonlyArray<RowValue | undefined>, common: Record<string, unknown>): arrow.Data {
  const length = values.length;
  switch (name) {
    case "byte": return make({ ...common, data: fillNumbers(new Int8Array(length), values) });
    case "short": return make({ ...common, data: fillNumbers(new Int16Array(length), values) });
    case "integer":
    case "date": return make({ ...common, data: fillNumbers(new Int32Array(length), values) });
    case "float": return make({ ...common, data: fillNumbers(new Float32Array(length), values) });
    case "double": return make({ ...common, data: fillNumbers(new Float64Array(length), values) });
    case "long":
    case "timestamp":
    case "timestamp_ntz": {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) if (values[i] != null) data[i] = values[i] as bigint;
      return make({ ...common, data });
    }
    case "boolean": {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return make({ ...common, data });
    }
    case "string":
      return buildBytes(values, common, true);
    default:
      return buildBytes(values, common, false);
  }
}

function fillNumbers<T extends Int8Array | Int16Array | Int32Array | Float32Array | Float64Array>(
  data: T,
  values: ReadonlyArray<RowValue | undefined>,
): T {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value != null) data[i] = value as number;
  }
  return data;
}

const encoder = new TextEncoder();

// Variable-width values: one growing byte buffer plus int32 offsets (Arrow's Utf8/Binary layout).
function buildBytes(values: ReadonlyArray<RowValue | undefined>, common: Record<string, unknown>, utf8: boolean): arrow.Data {
  const offsets = new Int32Array(values.length + 1);
  let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(Math.max(64, values.length * 16));
  let used = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value != null) {
      const maxLength = utf8 ? (value as string).length * 3 : (value as Uint8Array).length;
      if (used + maxLength > bytes.length) bytes = grow(bytes, used + maxLength);
      if (utf8) used += encoder.encodeInto(value as string, bytes.subarray(used)).written;
      else {
        bytes.set(value as Uint8Array, used);
        used += maxLength;
      }
    }
    offsets[i + 1] = used;
  }
  return make({ ...common, valueOffsets: offsets, data: bytes.subarray(0, used) });
}

function grow(bytes: Uint8Array, needed: number): Uint8Array<ArrayBuffer> {
  const larger = new Uint8Array(Math.max(needed, bytes.length * 2));
  larger.set(bytes);
  return larger;
}

function flatten<T>(values: ReadonlyArray<T[] | null | undefined>): { offsets: Int32Array; flat: T[] } {
  const offsets = new Int32Array(values.length + 1);
  const flat: T[] = [];
  for (let i = 0; i < values.length; i++) {
    const items = values[i];
    if (items != null) for (const item of items) flat.push(item);
    offsets[i + 1] = flat.length;
  }
  return { offsets, flat };
}

function validity(values: ReadonlyArray<RowValue | undefined>): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}

// makeData's overloads are keyed on the concrete Arrow type; the props built above match the type.
function make(props: Record<string, unknown>): arrow.Data {
  return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as arrow.Data;
}
