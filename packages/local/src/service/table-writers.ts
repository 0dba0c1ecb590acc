/**
 * One `DeltaTableWriter` per table, shared by every stream writing it, so the appends of concurrent
 * streams are grouped into shared commits (one fsync'd commit serves them all).
 */
import { DeltaTableWriter, type DeltaTableWriterOptions } from "../delta/index.js";

/** Opens writers on first use and closes them with the service or the table. */
export class TableWriters {
  private readonly writers = new Map<string, Promise<DeltaTableWriter>>();

  constructor(private readonly options: DeltaTableWriterOptions) {}

  /** The writer of the table at `dir`, opened on first use. */
  acquire(dir: string): Promise<DeltaTableWriter> {
    let writer = this.writers.get(dir);
    if (writer === undefined) {
      writer = DeltaTableWriter.open(dir, this.options);
      this.writers.set(dir, writer);
      // A failed open is not cached: the next stream tries again.
      writer.catch(() => this.writers.delete(dir));
    }
    return writer;
  }

  /** Flushes and closes the writer of one table (before the table is deleted). */
  async release(dir: string): Promise<void> {
    const writer = this.writers.get(dir);
    this.writers.delete(dir);
    await writer?.then((w) => w.close(), () => {});
  }

  /** Flushes and closes every writer. */
  async closeAll(): Promise<void> {
    const dirs = [...this.writers.keys()];
    await Promise.all(dirs.map((dir) => this.release(dir)));
  }
}
