/**
 * The record batches of Parquet and Arrow IPC files, in order, each with where it starts. Files are
 * streamed: Parquet through parquet-wasm's row-group reader over a file-backed Blob (one row group's
 * column chunks in memory at a time), Arrow IPC through apache-arrow's readers (one message at a time).
 * Batches longer than `rowsPerBatch` are cut; `--skip` rows are dropped before anything is converted.
 */
import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm";
import * as fs from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { CliError, errorText } from "../cli-error.js";
import type { ColumnarFormat } from "./file-format.js";

/** Where a batch (or a row of it) is: the file, the row in that file, and the row's number across all files. */
export interface BatchLocation {
  file: string;
  /** 0-based row in the file. */
  fileRow: number;
  /** 0-based position among all rows of all files (what `--skip` counts). */
  index: number;
}

/** One batch of a file, not yet converted to the table's schema. */
export interface InputBatch {
  location: BatchLocation;
  batch: arrow.RecordBatch;
}

/** A file or a row that cannot be used; the message starts with `file: row N:` (1-based, as people count). */
export class BatchInputError extends CliError {
  override readonly name = "BatchInputError";
  constructor(
    readonly location: BatchLocation,
    readonly reason: string,
  ) {
    super(`${location.file}: row ${(location.fileRow + 1).toLocaleString("en-US")}: ${reason}`);
  }
}

/** What {@link readColumnarBatches} needs. */
export interface ReadColumnarOptions {
  formatOf(file: string): ColumnarFormat;
  /** Rows per batch at most. */
  rowsPerBatch: number;
  /** Rows with a smaller index are dropped (an earlier run ingested them). */
  skip: number;
  /** Told (an estimate of) the input bytes each batch stands for, for progress. */
  onBytes?: (bytes: number) => void;
  /** Told the rows of each batch read, skipped ones included. */
  onRows?: (rows: number) => void;
}

/** Yields every batch of `files` in order; throws `BatchInputError` when a file cannot be read. */
export async function* readColumnarBatches(files: readonly string[], options: ReadColumnarOptions): AsyncGenerator<InputBatch> {
  let index = 0;
  for (const file of files) {
    const fileStart = index;
    let fileRow = 0;
    const batches = options.formatOf(file) === "parquet" ? parquetBatches(file, Math.max(0, options.skip - fileStart), options) : ipcBatches(file, options);
    for (;;) {
      let next: IteratorResult<{ batch: arrow.RecordBatch; firstRow: number }>;
      try {
        next = await batches.next();
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new BatchInputError({ file, fileRow, index: fileStart + fileRow }, `cannot read the file: ${errorText(err)}`);
      }
      if (next.done) break;
      const { batch, firstRow } = next.value;
      fileRow = firstRow + batch.numRows;
      index = fileStart + fileRow;
      options.onRows?.(batch.numRows);
      yield* cut(batch, { file, fileRow: firstRow, index: fileStart + firstRow }, options);
    }
    index = fileStart + fileRow;
  }
}

/** Drops skipped rows and cuts long batches. */
function* cut(batch: arrow.RecordBatch, at: BatchLocation, options: ReadColumnarOptions): Generator<InputBatch> {
  const begin = Math.min(batch.numRows, Math.max(0, options.skip - at.index));
  for (let start = begin; start < batch.numRows; start += options.rowsPerBatch) {
    const end = Math.min(batch.numRows, start + options.rowsPerBatch);
    const piece = start === 0 && end === batch.numRows ? batch : batch.slice(start, end);
    yield { location: { file: at.file, fileRow: at.fileRow + start, index: at.index + start }, batch: piece };
  }
}

type FileBatches = AsyncGenerator<{ batch: arrow.RecordBatch; firstRow: number }>;

/**
 * Parquet, from the row group holding row `skip` of the file: whole row groups before it are never read
 * (the rows before `skip` in that group are dropped by the caller). Row groups are chosen by number
 * because parquet-wasm 0.8's `offset` option skips that many rows in every row group.
 */
async function* parquetBatches(file: string, skip: number, options: ReadColumnarOptions): FileBatches {
  const size = (await stat(file)).size;
  const handle = await parquet.ParquetFile.fromFile(await fileBlob(file));
  try {
    const metadata = handle.metadata();
    const groupRows = metadata.rowGroups().map((group) => Number(group.numRows()));
    const totalRows = groupRows.reduce((a, b) => a + b, 0);
    const bytesPerRow = totalRows > 0 ? size / totalRows : 0;
    let firstRow = 0;
    let firstGroup = 0;
    while (firstGroup < groupRows.length && firstRow + groupRows[firstGroup]! <= skip) firstRow += groupRows[firstGroup++]!;
    options.onBytes?.(firstRow * bytesPerRow);
    yield* skippedRows(firstRow);
    if (firstGroup === groupRows.length) return;
    const rowGroups = groupRows.map((_, i) => i).slice(firstGroup);
    const stream = (await handle.stream({ batchSize: options.rowsPerBatch, rowGroups })) as unknown as AsyncIterable<parquet.RecordBatch>;
    for await (const wasmBatch of stream) {
      // Across the WebAssembly boundary as an IPC stream: one copy, then zero-copy views in apache-arrow.
      for (const batch of arrow.tableFromIPC(wasmBatch.intoIPCStream()).batches) {
        yield { batch, firstRow };
        firstRow += batch.numRows;
        options.onBytes?.(batch.numRows * bytesPerRow);
      }
    }
  } finally {
    handle.free();
  }
}

/** Rows skipped without reading still count as rows of the file: a batch without columns stands for them. */
async function* skippedRows(rows: number): FileBatches {
  if (rows > 0) yield { batch: new arrow.RecordBatch(new arrow.Schema([]), arrow.makeData({ type: new arrow.Struct([]), length: rows, children: [] })), firstRow: 0 };
}

/** A Blob that reads the file lazily where Node has one (≥ 19.8), else the file's bytes. */
async function fileBlob(file: string): Promise<Blob> {
  const openAsBlob = (fs as { openAsBlob?: (path: string) => Promise<Blob> }).openAsBlob;
  return openAsBlob !== undefined ? openAsBlob(file) : new Blob([await readFile(file)]);
}

/** Arrow IPC, file or stream format (told apart by the file format's magic bytes). */
async function* ipcBatches(file: string, options: ReadColumnarOptions): FileBatches {
  const handle = await open(file, "r");
  let closed = false;
  try {
    let reader: AsyncIterable<arrow.RecordBatch>;
    let bytesPerBatch = 0;
    if (await startsWithArrowMagic(handle)) {
      // Random access: the footer says where each batch is; only one is read at a time.
      const fileReader = await arrow.RecordBatchReader.from(handle);
      reader = fileReader;
      bytesPerBatch = (await handle.stat()).size / Math.max(1, (fileReader as arrow.AsyncRecordBatchFileReader).numRecordBatches);
    } else {
      await handle.close();
      closed = true;
      reader = await arrow.RecordBatchReader.from(countedChunks(file, options.onBytes));
    }
    let firstRow = 0;
    for await (const batch of reader) {
      options.onBytes?.(bytesPerBatch);
      yield { batch, firstRow };
      firstRow += batch.numRows;
    }
  } finally {
    if (!closed) await handle.close();
  }
}

async function* countedChunks(file: string, onBytes: ((bytes: number) => void) | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    yield chunk;
  }
}

async function startsWithArrowMagic(handle: Awaited<ReturnType<typeof open>>): Promise<boolean> {
  const head = Buffer.alloc(6);
  const { bytesRead } = await handle.read(head, 0, 6, 0);
  return bytesRead === 6 && head.toString("latin1") === "ARROW1";
}
