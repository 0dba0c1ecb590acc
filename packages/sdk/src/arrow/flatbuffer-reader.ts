/**
 * Just enough of the flatbuffers format to read the IPC `Message` headers an Arrow stream handles (the
 * message kind, the body length, a record batch's row count, field nodes and buffers), without building
 * objects: a batch's frames are cut from its IPC bytes as they are. Every read is bounds-checked, so bytes
 * that are not a flatbuffer end in a `RangeError` (reported to the caller as IPC that does not parse).
 */

/** A flatbuffer table: the buffer, the table's position and its vtable's. */
export interface FbTable {
  readonly view: DataView;
  readonly pos: number;
  readonly vtable: number;
  readonly vtableSize: number;
}

function check(view: DataView, pos: number, size: number): void {
  if (pos < 0 || pos + size > view.byteLength) throw new RangeError(`flatbuffer read out of bounds at ${pos}`);
}

/** The table at absolute position `pos`. */
export function tableAt(view: DataView, pos: number): FbTable {
  check(view, pos, 4);
  const vtable = pos - view.getInt32(pos, true);
  check(view, vtable, 4);
  const vtableSize = view.getUint16(vtable, true);
  check(view, vtable, vtableSize);
  return { view, pos, vtable, vtableSize };
}

/** The root table of a flatbuffer. */
export function rootTable(bytes: Uint8Array): FbTable {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  check(view, 0, 4);
  return tableAt(view, view.getUint32(0, true));
}

/** Absolute position of field `index` of `table`, or 0 when absent. */
export function fieldPos(table: FbTable, index: number): number {
  const entry = 4 + 2 * index;
  if (entry + 2 > table.vtableSize) return 0;
  const offset = table.view.getUint16(table.vtable + entry, true);
  return offset === 0 ? 0 : table.pos + offset;
}

/** A `ubyte`/`byte` field (enum), or `fallback` when absent. */
export function readUint8(table: FbTable, index: number, fallback = 0): number {
  const pos = fieldPos(table, index);
  if (pos === 0) return fallback;
  check(table.view, pos, 1);
  return table.view.getUint8(pos);
}

/** A `long` field as a number (Arrow lengths stay far below 2^53), or 0 when absent. */
export function readInt64(table: FbTable, index: number): number {
  const pos = fieldPos(table, index);
  if (pos === 0) return 0;
  check(table.view, pos, 8);
  return Number(table.view.getBigInt64(pos, true));
}

/** The table referenced by field `index`, or `undefined` when absent. */
export function readTable(table: FbTable, index: number): FbTable | undefined {
  const pos = fieldPos(table, index);
  if (pos === 0) return undefined;
  check(table.view, pos, 4);
  return tableAt(table.view, pos + table.view.getUint32(pos, true));
}

/** A vector field: where its elements start and how many there are (`undefined` when absent). */
export function readVector(table: FbTable, index: number, elementSize: number): { start: number; length: number } | undefined {
  const pos = fieldPos(table, index);
  if (pos === 0) return undefined;
  check(table.view, pos, 4);
  const vector = pos + table.view.getUint32(pos, true);
  check(table.view, vector, 4);
  const length = table.view.getUint32(vector, true);
  check(table.view, vector + 4, length * elementSize);
  return { start: vector + 4, length };
}
