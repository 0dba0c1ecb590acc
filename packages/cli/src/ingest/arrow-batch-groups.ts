/**
 * Ingest calls of a useful size from files written in small batches (DuckDB and many streaming writers
 * use a few thousand rows): consecutive batches of one file are sent together, as one apache-arrow
 * `Table` (one ingest call, one offset), up to the rows per call.
 */
import * as arrow from "apache-arrow";
import type { BatchLocation } from "../input/columnar-batches.js";
import type { ArrowIngestSession } from "./arrow-ingest-session.js";

/** Collects converted batches and sends them in groups. */
export class ArrowBatchGroups {
  #batches: arrow.RecordBatch[] = [];
  #rows = 0;
  #at: BatchLocation | undefined;

  constructor(
    private readonly session: ArrowIngestSession,
    private readonly rowsPerCall: number,
  ) {}

  /** Adds a batch that starts at `at`; sends the group once it is full or the next batch would overfill it or starts another file. */
  async add(batch: arrow.RecordBatch, at: BatchLocation): Promise<void> {
    if (this.#at !== undefined && (this.#at.file !== at.file || this.#rows + batch.numRows > this.rowsPerCall)) await this.flush();
    this.#batches.push(batch);
    this.#rows += batch.numRows;
    this.#at ??= at;
    if (this.#rows >= this.rowsPerCall) await this.flush();
  }

  /** Sends what is collected. */
  async flush(): Promise<void> {
    const at = this.#at;
    if (at === undefined) return;
    const batches = this.#batches;
    this.#batches = [];
    this.#rows = 0;
    this.#at = undefined;
    await this.session.send(batches.length === 1 ? batches[0]! : new arrow.Table(batches), at);
  }
}
