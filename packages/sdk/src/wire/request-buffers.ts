/**
 * Memory for encoded requests, reused once the transport is done with it.
 *
 * Why: every request is encoded into a fresh buffer outside the JS heap, and grpc-js copies it once more to
 * frame it. At a few hundred MB/s those buffers are freed only when the garbage collector next finds their
 * small JS handles dead, so tens of MB of dead buffers sat in RSS between collections. Requests of
 * 4 KiB or more now come from a small free list (by power-of-two size) that the transport refills when a
 * write completes; smaller ones use Node's shared slab, which is cheap already.
 */

/** Below this, `Buffer.allocUnsafe` carves requests out of Node's shared 8 KiB slab. */
const MIN_POOLED_BYTES = 4 * 1024;
/** Requests above this are rare enough (and big enough) to be left to the allocator. */
const MAX_POOLED_BYTES = 4 * 1024 * 1024;
/** Free memory kept for reuse, across all sizes. */
const MAX_FREE_BYTES = 8 * 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
/** Every piece of memory the pool handed out, so nothing else can ever be put in it. */
const pooled = new WeakSet<ArrayBuffer>();
let freeBytes = 0;

const sizeClass = (size: number): number => 2 ** Math.ceil(Math.log2(size));

/** A buffer of exactly `size` bytes for one request; its content is not initialized. */
export function allocRequestBuffer(size: number): Buffer {
  if (size < MIN_POOLED_BYTES || size > MAX_POOLED_BYTES) return Buffer.allocUnsafe(size);
  const capacity = sizeClass(size);
  let memory = free.get(capacity)?.pop();
  if (memory) freeBytes -= capacity;
  else pooled.add((memory = new ArrayBuffer(capacity)));
  return Buffer.from(memory, 0, size);
}

/**
 * Gives a request's memory back for reuse. Call it only once nothing will read `request` again (the
 * transport's write completed), and at most once per buffer; buffers that did not come from the pool are
 * ignored.
 */
export function releaseRequestBuffer(request: Buffer): void {
  const memory = request.buffer as ArrayBuffer;
  const capacity = memory.byteLength;
  if (!pooled.has(memory) || freeBytes + capacity > MAX_FREE_BYTES) return;
  let list = free.get(capacity);
  if (!list) free.set(capacity, (list = []));
  list.push(memory);
  freeBytes += capacity;
}
