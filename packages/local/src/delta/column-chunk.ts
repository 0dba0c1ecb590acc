/**
 * Rows kept column by column while they wait for their commit. A batch of millions of records held as
 * one object per row makes the garbage collector copy and mark millions of long-lived objects (most of
 * the CPU of a big batch went there); held as one array of values per column, a chunk is a handful of
 * objects, and rows are made again only a file's worth at a time, just before they are encoded.
 */
import type { DeltaField, Row, RowValue } from "../schema/delta-type.js";
import { estimateRowsBytes } from "./estimate-row-bytes.js";

/** Rows of one table, one array of values per top-level column. */
export interface ColumnChunk {
  /** Column names, in the order of `columns`. */
  readonly names: readonly string[];
  readonly columns: ReadonlyArray<ReadonlyArray<RowValue | undefined>>;
  readonly length: number;
  /** The rows' estimated in-memory size (see `estimateRowsBytes`), for the writer's flush trigger. */
  readonly bytes: number;
}

/** Queued rows: an array of rows, or a chunk of columns. */
export type RowSegment = readonly Row[] | ColumnChunk;

/**
 * Fills one chunk of at most `capacity` rows (already validated against `fields`). Its arrays are
 * allocated at full size up front: above ~16 K values they live outside V8's young generation, so
 * the garbage collector never copies them.
 */
export class ColumnChunkBuilder {
  private readonly columns: Array<Array<RowValue | undefined>>;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly fields: readonly DeltaField[],
    private readonly capacity: number,
  ) {
    this.columns = fields.map(() => new Array<RowValue | undefined>(capacity));
  }

  /** True once the chunk holds `capacity` rows. */
  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Adds rows from `rows[from]` on, as many as fit; returns how many were taken. */
  add(rows: readonly Row[], from = 0): number {
    const take = Math.min(this.capacity - this.count, rows.length - from);
    for (let c = 0; c < this.fields.length; c++) {
      const name = (this.fields[c] as DeltaField).name;
      const values = this.columns[c] as Array<RowValue | undefined>;
      for (let i = 0; i < take; i++) values[this.count + i] = (rows[from + i] as Row)[name];
    }
    this.bytes += estimateRowsBytes(from === 0 && take === rows.length ? rows : rows.slice(from, from + take));
    this.count += take;
    return take;
  }

  /** The chunk of the rows added so far. */
  build(): ColumnChunk {
    if (this.count < this.capacity) for (const values of this.columns) values.length = this.count;
    return { names: this.fields.map((field) => field.name), columns: this.columns, length: this.count, bytes: this.bytes };
  }
}

/** The rows `start` to `end` (exclusive) of a chunk, as objects again. */
export function chunkRows(chunk: ColumnChunk, start = 0, end = chunk.length): Row[] {
  const rows = new Array<Row>(end - start);
  const { names, columns } = chunk;
  for (let i = start; i < end; i++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) {
      const value = (columns[c] as ReadonlyArray<RowValue | undefined>)[i];
      if (value !== undefined) row[names[c] as string] = value;
    }
    rows[i - start] = row;
  }
  return rows;
}

/** The number of rows of a segment. */
export function segmentLength(segment: RowSegment): number {
  return segment.length;
}

/** The rows of `segments` in order, as arrays of at most `max` rows, made from column chunks on demand. */
export function* rowSlices(segments: readonly RowSegment[], max: number): Generator<Row[]> {
  let slice: Row[] = [];
  for (const segment of segments) {
    for (let start = 0; start < segment.length; ) {
      const take = Math.min(max - slice.length, segment.length - start);
      const part = Array.isArray(segment) ? (segment as readonly Row[]).slice(start, start + take) : chunkRows(segment as ColumnChunk, start, start + take);
      if (slice.length === 0) slice = part;
      else for (const row of part) slice.push(row);
      start += take;
      if (slice.length === max) {
        yield slice;
        slice = [];
      }
    }
  }
  if (slice.length > 0) yield slice;
}
