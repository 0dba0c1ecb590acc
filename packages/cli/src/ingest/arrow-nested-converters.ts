/**
 * Converters for nested columns (ARRAY, MAP, STRUCT): the same conversions as flat columns, applied to
 * the children, with the nesting kept as it is (list offsets and validity reused, never value by value).
 * A list's elements and a map's entries are converted as one child column; a value that does not fit is
 * reported at the row of the list or map that holds it. Struct fields are matched by name like columns
 * (exactly, else case-insensitively); a nullable field the file lacks is sent as nulls.
 */
import * as arrow from "apache-arrow";
import type { ColumnField, ColumnType } from "@zerobus-ts/sdk";
import { ColumnValueError } from "./arrow-column-errors.js";
import { validity } from "./arrow-validity.js";

type Converter = (data: arrow.Data) => arrow.Data;
/** The flat-or-nested converter for a child (columnConverter itself, passed in to keep the modules acyclic). */
type ChildConverter = (source: arrow.DataType, target: arrow.DataType, column: ColumnType) => Converter | undefined;
type AllNull = (type: arrow.DataType, length: number) => arrow.Data;

/** The converter for a nested `column` from `source` to its canonical `target`, or `undefined` when there is none. */
export function nestedConverter(source: arrow.DataType, target: arrow.DataType, column: ColumnType, child: ChildConverter, allNull: AllNull): Converter | undefined {
  if (column.kind === "array" && arrow.DataType.isList(target) && arrow.DataType.isList(source)) {
    const element = child(source.children[0]!.type, target.children[0]!.type, column.element);
    return element && ((data) => withChild(data, target, atParentRow(data, () => element(data.children[0]!))));
  }
  if (column.kind === "map" && arrow.DataType.isMap(target) && arrow.DataType.isMap(source)) {
    const [sourceKey, sourceValue] = (source.children[0]!.type as arrow.Struct).children;
    const entriesType = target.children[0]!.type as arrow.Struct;
    const key = child(sourceKey!.type, entriesType.children[0]!.type, column.key);
    const value = child(sourceValue!.type, entriesType.children[1]!.type, column.value);
    if (!key || !value) return undefined;
    return (data) => {
      const entries = data.children[0]!;
      const converted = atParentRow(data, () => arrow.makeData({ type: entriesType, length: entries.length, nullCount: 0, children: [key(entries.children[0]!), value(entries.children[1]!)] }));
      return withChild(data, target, converted);
    };
  }
  if (column.kind === "struct" && arrow.DataType.isStruct(target) && arrow.DataType.isStruct(source)) {
    return structConverter(source, target, column.fields, child, allNull);
  }
  return undefined;
}

function structConverter(source: arrow.Struct, target: arrow.Struct, fields: readonly ColumnField[], child: ChildConverter, allNull: AllNull): Converter | undefined {
  const exact = new Map(source.children.map((f, i) => [f.name, i]));
  const folded = new Map(source.children.map((f, i) => [f.name.toLowerCase(), i]));
  const used = new Set<number>();
  const plans: Array<{ index: number; convert: Converter } | undefined> = [];
  for (const [i, field] of fields.entries()) {
    const index = exact.get(field.name) ?? folded.get(field.name.toLowerCase());
    if (index === undefined) {
      if (!field.nullable) return undefined;
      plans.push(undefined);
      continue;
    }
    const convert = child(source.children[index]!.type, target.children[i]!.type, field.type);
    if (!convert || used.has(index)) return undefined;
    used.add(index);
    plans.push({ index, convert });
  }
  if (used.size !== source.children.length) return undefined; // a field the table does not have
  return (data) => {
    const children = plans.map((plan, i) => (plan ? plan.convert(data.children[plan.index]!) : allNull(target.children[i]!.type, data.length)));
    return arrow.makeData({ type: target, length: data.length, ...validity(data), children });
  };
}

/** `data` (a list or map, its offsets and validity kept) holding the converted `child`. */
function withChild(data: arrow.Data, type: arrow.List | arrow.Map_, child: arrow.Data): arrow.Data {
  // apache-arrow slices a list's offsets with it; only its validity bitmap still counts from `data.offset`.
  return arrow.makeData({ type, length: data.length, ...validity(data), valueOffsets: data.valueOffsets, child } as never);
}

/** Runs `convert` on the child of a list or map, reporting a bad value at the row that holds it. */
function atParentRow(data: arrow.Data, convert: () => arrow.Data): arrow.Data {
  try {
    return convert();
  } catch (err) {
    if (!(err instanceof ColumnValueError)) throw err;
    const offsets = data.valueOffsets as Int32Array;
    let row = 0;
    while (row + 1 < offsets.length && offsets[row + 1]! <= err.row) row++;
    throw new ColumnValueError(row, err.message);
  }
}
