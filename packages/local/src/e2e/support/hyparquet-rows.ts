/**
 * Reads Delta data files with hyparquet — a Parquet reader that shares no code with the service — and
 * converts its values to the canonical row shape (see `canonical-rows.ts`), guided by the table schema.
 * Decimals stay the floats hyparquet produces; compare them with `decimalsAsHyparquetFloats`.
 */
import { readFile } from "node:fs/promises";
import { parquetReadObjects } from "hyparquet";
import type { DeltaField, DeltaType, Row, RowValue } from "@zerobus-ts/local";

/** Every row of every file, in file order. */
export async function readRowsWithHyparquet(files: readonly string[], fields: readonly DeltaField[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const file of files) {
    const bytes = await readFile(file);
    const objects = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      // Raw numbers instead of Date objects, so microseconds and pre-1970 days survive exactly.
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros, dateFromDays: (days: number) => days },
      utf8: false, // un-annotated BYTE_ARRAY (binary) stays bytes; STRING columns are still decoded
    });
    for (const object of objects) rows.push(Object.fromEntries(fields.map((f) => [f.name, convert(f.type, object[f.name])])));
  }
  return rows;
}

function convert(type: DeltaType, value: unknown): RowValue {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case "struct": {
      const object = value as Record<string, unknown>;
      return Object.fromEntries(type.fields.map((f) => [f.name, convert(f.type, object[f.name])]));
    }
    case "array":
      return (value as unknown[]).map((v) => convert(type.elementType, v));
    case "map":
      // hyparquet returns a map as an object keyed by the (string) keys, in file order.
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => [convert(type.keyType, k), convert(type.valueType, v)]);
    case "primitive":
      if (type.name === "binary") return new Uint8Array(value as Uint8Array);
      return value as RowValue;
    case "decimal":
      return value as number;
  }
}
