/**
 * Column converters: from the Arrow type a file holds to the table's canonical Arrow type (see
 * table-arrow-schema.ts), buffer to buffer, never value object by value object. Only conversions that
 * keep every value are offered (wider integers, Utf8 → LargeUtf8, dictionary → plain, timestamp units,
 * decimals → their text for DECIMAL columns, and the same inside ARRAY, MAP and STRUCT columns); a value
 * that does not fit stops with its row.
 */
import * as arrow from "apache-arrow";
import type { ColumnType } from "@zerobus-ts/sdk";
import { ColumnValueError } from "./arrow-column-errors.js";
import { validity } from "./arrow-validity.js";
import { nestedConverter } from "./arrow-nested-converters.js";
import { decimalToText, flattenDictionary, toLargeVariable } from "./arrow-variable-width.js";

/** Converts one column's data (of the file's type) to data of the table's type; throws `ColumnValueError`. */
export type ColumnConverter = (data: arrow.Data) => arrow.Data;

/** The converter from `source` to `target` (the column's canonical type), or `undefined` when there is none. */
export function columnConverter(source: arrow.DataType, target: arrow.DataType, column: ColumnType): ColumnConverter | undefined {
  if (arrow.util.compareTypes(source, target)) return (data) => data;
  if (arrow.DataType.isDictionary(source)) {
    const valueConverter = columnConverter(source.dictionary, target, column);
    return valueConverter && ((data) => valueConverter(flattenDictionary(data)));
  }
  if (arrow.DataType.isNull(source)) return (data) => allNull(target, data.length);
  if (arrow.DataType.isInt(target) && arrow.DataType.isInt(source)) return (data) => convertIntegers(data, target);
  if (arrow.DataType.isFloat(target)) return floatConverter(source, target);
  if (arrow.DataType.isLargeUtf8(target)) {
    if (column.kind === "decimal") return arrow.DataType.isDecimal(source) && source.bitWidth === 128 ? (data) => decimalToText(data) : undefined;
    return arrow.DataType.isUtf8(source) || arrow.DataType.isLargeUtf8(source) ? (data) => toLargeVariable(data, new arrow.LargeUtf8()) : undefined;
  }
  if (arrow.DataType.isLargeBinary(target)) {
    const binary = arrow.DataType.isBinary(source) || arrow.DataType.isLargeBinary(source) || arrow.DataType.isFixedSizeBinary(source);
    return binary ? (data) => toLargeVariable(data, new arrow.LargeBinary()) : undefined;
  }
  if (arrow.DataType.isTimestamp(target) && arrow.DataType.isTimestamp(source)) {
    // An instant (with a zone) and a wall-clock time (without) are different things; never guess one from the other.
    const timestamp = target as arrow.Timestamp;
    if (((source as arrow.Timestamp).timezone == null) !== (timestamp.timezone == null)) return undefined;
    return (data) => rescaleTimestamps(data, timestamp);
  }
  if (arrow.DataType.isDate(target) && arrow.DataType.isDate(source)) return (data) => millisecondsToDays(data);
  return nestedConverter(source, target, column, columnConverter, allNull);
}

/** A column of `length` nulls (a nullable table column the file does not have). */
export function allNull(type: arrow.DataType, length: number): arrow.Data {
  const builder = arrow.makeBuilder({ type, nullValues: [null] });
  for (let i = 0; i < length; i++) builder.append(null);
  return builder.finish().flush();
}

const INTEGER_RANGE: Record<number, [bigint, bigint]> = {
  8: [-(2n ** 7n), 2n ** 7n - 1n],
  16: [-(2n ** 15n), 2n ** 15n - 1n],
  32: [-(2n ** 31n), 2n ** 31n - 1n],
  64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function convertIntegers(data: arrow.Data, target: arrow.Int): arrow.Data {
  const source = data.type as arrow.Int;
  const values = data.values as ArrayLike<number | bigint>;
  const out = new target.ArrayType(data.length) as Int8Array | Int16Array | Int32Array | BigInt64Array;
  const [min, max] = INTEGER_RANGE[target.bitWidth]!;
  // Only a narrower type, or an unsigned one as wide, can hold a value the target cannot.
  const mayOverflow = source.bitWidth > target.bitWidth || (!source.isSigned && source.bitWidth === target.bitWidth);
  const wide = target.bitWidth === 64;
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const value = values[i]!;
    if (mayOverflow) {
      const big = BigInt(value);
      if (big < min || big > max) throw new ColumnValueError(i, `${big} does not fit ${target}`);
    }
    out[i] = (wide ? BigInt(value) : Number(value)) as never;
  }
  return arrow.makeData({ type: target, length: data.length, ...validity(data), data: out });
}

function floatConverter(source: arrow.DataType, target: arrow.Float): ColumnConverter | undefined {
  // Every value of these converts exactly: floats to a wider float, integers within the float's mantissa.
  const exact =
    (arrow.DataType.isFloat(source) && source.precision < target.precision) ||
    (arrow.DataType.isInt(source) && source.bitWidth <= (target.precision === arrow.Precision.DOUBLE ? 32 : 16));
  if (!exact) return undefined;
  return (data) => {
    const values = data.values as ArrayLike<number>;
    const out = new target.ArrayType(data.length) as Float32Array | Float64Array;
    for (let i = 0; i < data.length; i++) out[i] = Number(values[i]);
    return arrow.makeData({ type: target, length: data.length, ...validity(data), data: out });
  };
}

const MICROS_PER: Record<number, bigint> = { [arrow.TimeUnit.SECOND]: 1_000_000n, [arrow.TimeUnit.MILLISECOND]: 1_000n, [arrow.TimeUnit.MICROSECOND]: 1n };
const MAX_MICROS = 2n ** 63n - 1n;

/** Seconds and milliseconds scale up (checked); nanoseconds are truncated to microseconds, as Delta stores them. */
function rescaleTimestamps(data: arrow.Data, target: arrow.Timestamp): arrow.Data {
  const unit = (data.type as arrow.Timestamp).unit;
  const values = data.values as BigInt64Array;
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const value = values[i]!;
    if (unit === arrow.TimeUnit.NANOSECOND) {
      out[i] = value >= 0n ? value / 1000n : -((-value + 999n) / 1000n);
      continue;
    }
    const micros = value * MICROS_PER[unit]!;
    if (micros > MAX_MICROS || micros < -MAX_MICROS) throw new ColumnValueError(i, `timestamp ${value} (${arrow.TimeUnit[unit]}) is out of range`);
    out[i] = micros;
  }
  return arrow.makeData({ type: target, length: data.length, ...validity(data), data: out });
}

const MS_PER_DAY = 86_400_000n;

function millisecondsToDays(data: arrow.Data): arrow.Data {
  const values = data.values as BigInt64Array;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const ms = values[i]!;
    if (ms % MS_PER_DAY !== 0n) throw new ColumnValueError(i, `date ${ms} ms is not a whole day`);
    out[i] = Number(ms / MS_PER_DAY);
  }
  return arrow.makeData({ type: new arrow.DateDay(), length: data.length, ...validity(data), data: out });
}
