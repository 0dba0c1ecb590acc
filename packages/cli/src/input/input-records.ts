/**
 * The records of the input files, in order, each with where it came from: JSON Lines (one record per
 * non-blank line) or CSV (a header row naming the columns, then one record per row). Files are streamed;
 * the record text is converted later, by the ingest mode.
 */
import { extname } from "node:path";
import { CliError } from "../cli-error.js";
import { CsvFormatError, readCsvRows, type CsvRow } from "./csv-parser.js";
import { readLines } from "./line-reader.js";
import { readTextChunks } from "./text-chunks.js";

/** Input file formats. */
export type InputFormat = "jsonl" | "csv";

/** Where a record is: its file, the file's own line (CSV header = line 1), and its number across all files. */
export interface RecordLocation {
  file: string;
  line: number;
  /** 0-based position among all records of all files (what `--skip` counts). */
  index: number;
}

/** A CSV file's header row. */
export interface CsvHeader {
  names: string[];
  line: number;
}

/** One record, not yet converted. */
export type InputRecord =
  | { kind: "json"; location: RecordLocation; text: string }
  | { kind: "csv"; location: RecordLocation; header: CsvHeader; row: CsvRow };

/** A record (or header) that cannot be used; the message starts with `file:line:`. */
export class RecordInputError extends CliError {
  override readonly name = "RecordInputError";
  constructor(
    readonly location: RecordLocation,
    readonly reason: string,
  ) {
    super(`${location.file}:${location.line}: ${reason}`);
  }
}

/** The format of a file: `csv` for `.csv`, else JSON Lines (`.jsonl`, `.ndjson`, `.json`, anything else). */
export function formatOf(path: string, override: InputFormat | undefined): InputFormat {
  if (override !== undefined) return override;
  return extname(path).toLowerCase() === ".csv" ? "csv" : "jsonl";
}

/** What {@link readInputRecords} needs. */
export interface ReadInputOptions {
  /** Forces one format for every file. */
  format?: InputFormat | undefined;
  /** Told the size of each chunk read, for progress. */
  onBytes?: (bytes: number) => void;
  /** Records with a smaller index are counted but not checked (they were ingested by an earlier run). */
  skip?: number;
}

/** Yields every record of `files` in order; throws `RecordInputError` at the first malformed one. */
export async function* readInputRecords(files: readonly string[], options: ReadInputOptions = {}): AsyncGenerator<InputRecord> {
  const counter = { index: 0 };
  for (const file of files) {
    const chunks = readTextChunks(file, options.onBytes);
    if (formatOf(file, options.format) === "csv") yield* csvRecords(file, chunks, counter, options.skip ?? 0);
    else yield* jsonRecords(file, chunks, counter);
  }
}

async function* jsonRecords(file: string, chunks: AsyncIterable<string>, counter: { index: number }): AsyncGenerator<InputRecord> {
  for await (const { text, line } of readLines(chunks)) {
    if (text.trim() === "") continue;
    yield { kind: "json", location: { file, line, index: counter.index++ }, text };
  }
}

async function* csvRecords(file: string, chunks: AsyncIterable<string>, counter: { index: number }, skip: number): AsyncGenerator<InputRecord> {
  let header: CsvHeader | undefined;
  const rows = readCsvRows(chunks);
  for (;;) {
    let next: IteratorResult<CsvRow>;
    try {
      next = await rows.next();
    } catch (err) {
      if (err instanceof CsvFormatError) throw new RecordInputError({ file, line: err.line, index: counter.index }, err.message);
      throw err;
    }
    if (next.done) return;
    const row = next.value;
    if (header === undefined) {
      header = checkHeader(row, file, counter.index);
      continue;
    }
    const location = { file, line: row.line, index: counter.index++ };
    if (location.index >= skip && row.fields.length !== header.names.length) {
      throw new RecordInputError(location, `expected ${header.names.length} fields (as in the header on line ${header.line}), got ${row.fields.length}`);
    }
    yield { kind: "csv", location, header, row };
  }
}

function checkHeader(row: CsvRow, file: string, index: number): CsvHeader {
  const names = row.fields.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    const where = { file, line: row.line, index };
    if (name === "") throw new RecordInputError(where, "the header row has an empty column name");
    if (seen.has(name.toLowerCase())) throw new RecordInputError(where, `the header row names column '${name}' twice`);
    seen.add(name.toLowerCase());
  }
  return { names, line: row.line };
}
