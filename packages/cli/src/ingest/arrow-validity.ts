/**
 * The validity (null) bitmap of converted column data. apache-arrow keeps a slice's bitmap shared with
 * the whole column and counts its bits from `data.offset`; converted data starts at row 0.
 */
import type * as arrow from "apache-arrow";

/** Validity of `data` from row 0, packed afresh when the data is a slice that does not start on row 0. */
export function validity(data: arrow.Data): { nullCount: number; nullBitmap: Uint8Array | undefined } {
  const nullCount = data.nullCount;
  if (nullCount === 0 || data.nullBitmap === undefined) return { nullCount: 0, nullBitmap: undefined };
  if (data.offset === 0) return { nullCount, nullBitmap: data.nullBitmap };
  const bitmap = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (data.getValid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
  return { nullCount, nullBitmap: bitmap };
}
