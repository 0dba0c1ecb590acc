/**
 * Variable-width columns (strings, binary) into the 64-bit-offset layouts the table's canonical schema
 * uses (LargeUtf8, LargeBinary), dictionary columns back to plain values, and DECIMAL values as text.
 *
 * apache-arrow slices value and offset buffers with the data; only the validity bitmap keeps counting
 * from `data.offset` (hence `getValid(i)`), so buffers are indexed from 0 here.
 */
import * as arrow from "apache-arrow";
import { validity } from "./arrow-validity.js";

type LargeVariable = arrow.LargeUtf8 | arrow.LargeBinary;

/** Utf8/LargeUtf8/Binary/LargeBinary/FixedSizeBinary data as `target` (LargeUtf8 or LargeBinary): same bytes, wider offsets. */
export function toLargeVariable(data: arrow.Data, target: LargeVariable): arrow.Data {
  if (arrow.DataType.isFixedSizeBinary(data.type)) return fixedToLarge(data, data.type.byteWidth, target);
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const start = Number(offsets[0]!);
  const end = Number(offsets[data.length]!);
  const out = new BigInt64Array(data.length + 1);
  for (let i = 0; i <= data.length; i++) out[i] = BigInt(Number(offsets[i]!) - start);
  return arrow.makeData({ type: target as arrow.LargeUtf8, length: data.length, ...validity(data), valueOffsets: out, data: (data.values as Uint8Array).subarray(start, end) });
}

function fixedToLarge(data: arrow.Data, width: number, target: LargeVariable): arrow.Data {
  const out = new BigInt64Array(data.length + 1);
  for (let i = 0; i <= data.length; i++) out[i] = BigInt(i * width);
  return arrow.makeData({ type: target as arrow.LargeUtf8, length: data.length, ...validity(data), valueOffsets: out, data: (data.values as Uint8Array).subarray(0, data.length * width) });
}

/**
 * A dictionary-encoded column as plain data: strings and binary gathered into their Large layout in one
 * pass; other value types value by value.
 */
export function flattenDictionary(data: arrow.Data): arrow.Data {
  const dictionary = data.dictionary!;
  const valueType = (data.type as arrow.Dictionary).dictionary;
  const indices = data.values as ArrayLike<number | bigint>;
  const variable = arrow.DataType.isUtf8(valueType) || arrow.DataType.isLargeUtf8(valueType) || arrow.DataType.isBinary(valueType) || arrow.DataType.isLargeBinary(valueType);
  if (variable && dictionary.data.length === 1) {
    const target = arrow.DataType.isUtf8(valueType) || arrow.DataType.isLargeUtf8(valueType) ? new arrow.LargeUtf8() : new arrow.LargeBinary();
    return gatherVariable(data, dictionary.data[0]!, indices, target);
  }
  const builder = arrow.makeBuilder({ type: valueType, nullValues: [null] });
  for (let i = 0; i < data.length; i++) builder.append(data.getValid(i) ? dictionary.get(Number(indices[i]!)) : null);
  return builder.finish().flush();
}

function gatherVariable(data: arrow.Data, values: arrow.Data, indices: ArrayLike<number | bigint>, target: LargeVariable): arrow.Data {
  const offsets = values.valueOffsets as Int32Array | BigInt64Array;
  const bytes = values.values as Uint8Array;
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const k = Number(indices[i]!);
    total += Number(offsets[k + 1]!) - Number(offsets[k]!);
  }
  const out = new Uint8Array(total);
  const outOffsets = new BigInt64Array(data.length + 1);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    if (data.getValid(i)) {
      const k = Number(indices[i]!);
      const from = Number(offsets[k]!);
      const to = Number(offsets[k + 1]!);
      out.set(bytes.subarray(from, to), at);
      at += to - from;
    }
    outOffsets[i + 1] = BigInt(at);
  }
  return arrow.makeData({ type: target as arrow.LargeUtf8, length: data.length, ...validity(data), valueOffsets: outOffsets, data: out });
}

/** Decimal128 values as their exact decimal text (`-12.340`), the form DECIMAL columns travel in. */
export function decimalToText(data: arrow.Data): arrow.Data {
  const scale = (data.type as arrow.Decimal).scale;
  const words = data.values as Uint32Array;
  const builder = arrow.makeBuilder({ type: new arrow.LargeUtf8(), nullValues: [null] });
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) {
      builder.append(null);
      continue;
    }
    const at = i * 4;
    let value = 0n;
    for (let w = 3; w >= 0; w--) value = (value << 32n) | BigInt(words[at + w]!);
    builder.append(decimalText(BigInt.asIntN(128, value), scale));
  }
  return builder.finish().flush();
}

function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return `${negative ? "-" : ""}${digits}${"0".repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}
