import * as arrow from "apache-arrow";
import type { Row, RowValue } from "../schema/delta-type.js";
import { readDecimal } from "./decimal128.js";

/**
 * Converts Arrow columns (as read back from Parquet by parquet-wasm) into the row value model of
 * delta-type.ts, driven by the Arrow type alone: int64 → bigint, timestamps of any unit → bigint µs,
 * decimals → unscaled bigint, dates → days, binary → Uint8Array, lists → arrays, maps → entry arrays.
 * Conversion to the table's declared Delta types happens afterwards (see file-value-plan.ts).
 *
 * Works directly on the buffers: per apache-arrow's slicing rules, value and offset buffers start at
 * the Data's first element while validity (and boolean) bits are addressed with `data.offset`.
 */

const decoder = new TextDecoder();

/** All values of an Arrow vector, chunk after chunk. */
export function vectorValues(vector: arrow.Vector): RowValue[] {
  const out: RowValue[] = [];
  for (const data of vector.data) appendDataValues(data, out);
  return out;
}

/** The values of one Arrow Data. */
export function dataValues(data: arrow.Data): RowValue[] {
  const out: RowValue[] = [];
  appendDataValues(data, out);
  return out;
}

function appendDataValues(data: arrow.Data, out: RowValue[]): void {
  // Empty Data may lack child Data (apache-arrow's IPC reader leaves a list's child undefined for a
  // zero-row batch), so nothing about it is read.
  if (data.length === 0) return;
  const read = valueReader(data);
  const hasNulls = data.nullCount > 0;
  for (let i = 0; i < data.length; i++) out.push(hasNulls && !data.getValid(i) ? null : read(i));
}

type Reader = (index: number) => RowValue;

function valueReader(data: arrow.Data): Reader {
  const type = data.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Null:
      return () => null;
    case arrow.Type.Int:
      return intReader(data, type as arrow.Int);
    case arrow.Type.Float:
      if ((type as arrow.Float).precision === arrow.Precision.HALF) throw new TypeError("float16 is not supported");
      return (i) => (data.values as Float32Array | Float64Array)[i]!;
    case arrow.Type.Bool:
      return (i) => {
        const bit = data.offset + i;
        return ((data.values as Uint8Array)[bit >> 3]! & (1 << (bit & 7))) !== 0;
      };
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return (i) => decoder.decode(byteSlice(data, i));
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return (i) => byteSlice(data, i).slice();
    case arrow.Type.FixedSizeBinary: {
      const width = (type as arrow.FixedSizeBinary).byteWidth;
      return (i) => (data.values as Uint8Array).slice(i * width, (i + 1) * width);
    }
    case arrow.Type.Date:
      return dateReader(data, type as arrow.Date_);
    case arrow.Type.Timestamp:
      return timestampReader(data, type as arrow.Timestamp);
    case arrow.Type.Decimal: {
      const words = (type as arrow.Decimal).bitWidth / 32;
      return (i) => readDecimal(data.values as Uint32Array, i, words);
    }
    case arrow.Type.Struct:
      return structReader(data, type as arrow.Struct);
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.FixedSizeList:
      return listReader(data, type);
    case arrow.Type.Map:
      return mapReader(data);
    case arrow.Type.Dictionary: {
      const dictionary = vectorValues(data.dictionary!);
      const indices = intReader(data, (type as arrow.Dictionary).indices);
      return (i) => dictionary[Number(indices(i))] ?? null;
    }
    default:
      throw new TypeError(`Arrow type ${String(type)} is not supported by the Delta reader`);
  }
}

function intReader(data: arrow.Data, type: arrow.Int): Reader {
  const values = data.values as ArrayLike<number | bigint>;
  if (type.bitWidth === 64) return (i) => BigInt(values[i]!);
  return (i) => values[i] as number;
}

function dateReader(data: arrow.Data, type: arrow.Date_): Reader {
  if (type.unit === arrow.DateUnit.DAY) return (i) => (data.values as Int32Array)[i]!;
  // Date64 holds milliseconds; Delta dates are whole days.
  return (i) => Math.floor(Number((data.values as BigInt64Array)[i]!) / 86_400_000);
}

function timestampReader(data: arrow.Data, type: arrow.Timestamp): Reader {
  const values = data.values as BigInt64Array;
  switch (type.unit) {
    case arrow.TimeUnit.SECOND:
      return (i) => values[i]! * 1_000_000n;
    case arrow.TimeUnit.MILLISECOND:
      return (i) => values[i]! * 1_000n;
    case arrow.TimeUnit.MICROSECOND:
      return (i) => values[i]!;
    default:
      // Nanoseconds (INT96 files): floor to whole microseconds, also for instants before 1970.
      return (i) => floorDiv(values[i]!, 1_000n);
  }
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor < 0n ? quotient - 1n : quotient;
}

function structReader(data: arrow.Data, type: arrow.Struct): Reader {
  const names = type.children.map((field) => field.name);
  const children = data.children.map((child) => dataValues(child));
  return (i) => {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = children[c]![i]!;
    return row;
  };
}

function listReader(data: arrow.Data, type: arrow.DataType): Reader {
  const items = dataValues(data.children[0]!);
  if (type.typeId === arrow.Type.FixedSizeList) {
    const size = (type as arrow.FixedSizeList).listSize;
    return (i) => items.slice((data.offset + i) * size, (data.offset + i + 1) * size);
  }
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return (i) => items.slice(Number(offsets[i]!), Number(offsets[i + 1]!));
}

function mapReader(data: arrow.Data): Reader {
  const entries = data.children[0]!;
  const keys = dataValues(entries.children[0]!);
  const values = dataValues(entries.children[1]!);
  const offsets = data.valueOffsets as Int32Array;
  return (i) => {
    const out: Array<[RowValue, RowValue]> = [];
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) out.push([keys[e]!, values[e]!]);
    return out;
  };
}

function byteSlice(data: arrow.Data, i: number): Uint8Array {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return (data.values as Uint8Array).subarray(Number(offsets[i]!), Number(offsets[i + 1]!));
}
