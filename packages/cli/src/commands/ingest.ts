/**
 * `zerobus ingest --table T FILE…`: JSON Lines and CSV files into a table through a record stream,
 * Parquet and Arrow IPC files through an Arrow stream.
 */
import { stat } from "node:fs/promises";
import { EXIT_CODES, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { HELP_OPTION, parseCommandLine, parseIntegerFlag } from "../command-line.js";
import { connectionHelp, CONNECTION_OPTIONS, resolveConnection } from "../connection-settings.js";
import { parseDurationMs } from "../durations.js";
import { fileFormatOf, isColumnar, parseFileFormat, type ColumnarFormat, type FileFormat } from "../input/file-format.js";
import type { InputFormat } from "../input/input-records.js";
import { loadDescriptorSetMessage, loadProtoFileMessage, type MessageSchema } from "../ingest/message-schema.js";
import { runIngest, type IngestSummary } from "../ingest/run-ingest.js";
import { parseTableName } from "../table-name.js";

/** `zerobus ingest --help`. */
export const INGEST_HELP = `Usage: zerobus ingest --table TABLE [options] FILE...

Sends the records of JSON Lines files (one JSON object per line) and CSV files (a header row naming
the columns, then one record per row; RFC 4180 quoting) into a table, through a Zerobus stream; the
rows of Parquet files (.parquet) and Arrow IPC files (.arrow file format, .arrows stream format)
through an Arrow Flight stream. Files are read as they are sent, never whole. A .csv file is CSV;
any other unlisted one is JSON Lines. One run takes row files or columnar files, not both.

  --table TABLE            catalog.schema.table (required)
  --format F               read every file as F (jsonl, csv, parquet, arrow, arrows), whatever its name
  --proto FILE.proto       send PROTO records of --message, defined in this .proto file
  --descriptor FILE.pb     … or defined in this FileDescriptorSet (protoc --descriptor_set_out,
                           zerobus proto --descriptor)
  --message NAME           the record message (with --proto or --descriptor)
  --batch-size N           records per ingest call (one offset, one ack per batch)
                           (default 1; Parquet/Arrow: rows per batch, default 50000)
  --max-inflight N         records sent but not yet acknowledged, at most
                           (default 50000; Parquet/Arrow: the SDK's bounds, 1,000 batches and 64 MiB)
  --skip N                 skip the first N records or rows (of all files, in order): resume after a stop
  --progress-interval D    time between progress lines when stderr is not a terminal (default 10s)
  --quiet                  no progress output
  -h, --help               show this help

Without --proto/--descriptor the stream is JSON: JSON lines are sent as written, CSV cells are
converted by the table's column types (read from the Unity Catalog API). With a message, values are
converted by its field types (int64 exact, bytes as base64, nested messages/arrays/maps as JSON).
In CSV an empty cell is NULL and a quoted empty cell ("") is the empty string.

A bad record — JSON that does not parse, a CSV row with the wrong number of fields, a value that does
not fit, or a record the service refuses — stops the run with its FILE:LINE (the file's own line; a
CSV header is line 1) and exit code 1. Every record before it is in the table, and the message says
which --skip resumes right at it.

Parquet and Arrow columns are matched to the table's by name and converted to its types where every
value fits (wider integers, dictionary strings, timestamp units, decimals for DECIMAL columns); a
nullable column the file lacks is sent as NULL. A column that does not fit, a file that cannot be
read or a value that does not fit stops the run with the file and row (1 is the first row), after
every row before it is in the table; the message says which --skip resumes at it.

${connectionHelp(true)}
`;

const OPTIONS = {
  ...HELP_OPTION,
  ...CONNECTION_OPTIONS,
  table: { type: "string" },
  format: { type: "string" },
  proto: { type: "string" },
  descriptor: { type: "string" },
  message: { type: "string" },
  "batch-size": { type: "string" },
  "max-inflight": { type: "string" },
  skip: { type: "string" },
  "progress-interval": { type: "string" },
  quiet: { type: "boolean" },
} as const;

const DEFAULT_MAX_INFLIGHT = 50_000;
/** Rows per Arrow batch: large enough that per-call costs vanish, small enough to keep memory low. */
const DEFAULT_ARROW_BATCH_ROWS = 50_000;
const TTY_REDRAW_MS = 200;
const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

/** Runs `zerobus ingest`. */
export async function runIngestCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    ctx.stdout.write(INGEST_HELP);
    return EXIT_CODES.OK;
  }
  if (values.table === undefined) throw new UsageError("--table is required");
  if (positionals.length === 0) throw new UsageError("give at least one FILE to ingest");
  const table = parseTableName(values.table);
  const format = parseFileFormat(values.format);
  const columnar = columnarRun(positionals, format);
  if (columnar && (values.proto ?? values.descriptor ?? values.message) !== undefined) {
    throw new UsageError("Parquet and Arrow files are sent as Arrow: --proto, --descriptor and --message apply to JSON Lines and CSV only");
  }
  const message = loadMessage(values.proto, values.descriptor, values.message);
  const batchSize = values["batch-size"] === undefined ? (columnar ? DEFAULT_ARROW_BATCH_ROWS : 1) : parseIntegerFlag(values["batch-size"], "batch-size", 1);
  const maxInflight = values["max-inflight"] === undefined ? undefined : parseIntegerFlag(values["max-inflight"], "max-inflight", 1);
  const skip = values.skip === undefined ? 0 : parseIntegerFlag(values.skip, "skip", 0);
  const plainIntervalMs = values["progress-interval"] === undefined ? DEFAULT_PROGRESS_INTERVAL_MS : parseDurationMs(values["progress-interval"], "progress-interval");
  const totalBytes = await totalSize(positionals);
  const settings = resolveConnection(values, ctx.env, true);
  const tty = ctx.stderr.isTTY === true;
  const progress = values.quiet ? undefined : { out: ctx.stderr, tty, totalBytes, intervalMs: tty ? TTY_REDRAW_MS : plainIntervalMs };

  let summary: IngestSummary;
  if (columnar) {
    // Loaded only here: apache-arrow and parquet-wasm (which compiles its WebAssembly on import) cost every other run.
    const { runArrowIngest } = await import("../ingest/run-arrow-ingest.js");
    summary = await runArrowIngest({
      settings,
      table,
      files: positionals,
      formatOf: (file) => fileFormatOf(file, format) as ColumnarFormat,
      rowsPerBatch: batchSize,
      maxInflightRows: maxInflight,
      skip,
      progress,
    });
  } else {
    const rowFormat = format as InputFormat | undefined;
    summary = await runIngest({
      settings,
      table,
      files: positionals,
      format: rowFormat,
      message,
      csvInJsonMode: message === undefined && positionals.some((f) => fileFormatOf(f, rowFormat) === "csv"),
      batchSize,
      maxInflightRecords: maxInflight ?? DEFAULT_MAX_INFLIGHT,
      skip,
      progress,
    });
  }
  const noun = columnar ? "rows" : "records";
  const seconds = summary.elapsedMs / 1000;
  const rate = Math.round(summary.records / Math.max(seconds, 0.001));
  const skipped = summary.skipped > 0 ? `, skipped the first ${summary.skipped}` : "";
  ctx.stdout.write(
    `ingested ${summary.records} ${noun} into ${table.fullName} from ${positionals.length} file(s) in ${seconds.toFixed(1)} s (${rate} ${noun}/s${skipped})\n`,
  );
  return EXIT_CODES.OK;
}

/** Whether the files are columnar (one Arrow stream) or row files (one record stream); never both. */
function columnarRun(files: readonly string[], format: FileFormat | undefined): boolean {
  const formats = files.map((file) => fileFormatOf(file, format));
  const columnar = formats.map(isColumnar);
  if (columnar.some((c) => c) && columnar.some((c) => !c)) {
    throw new UsageError("give Parquet/Arrow files and JSON Lines/CSV files in separate runs (they go through different streams)");
  }
  return columnar[0] === true;
}

function loadMessage(proto: string | undefined, descriptor: string | undefined, message: string | undefined): MessageSchema | undefined {
  if (proto !== undefined && descriptor !== undefined) throw new UsageError("give --proto or --descriptor, not both");
  if (proto === undefined && descriptor === undefined) {
    if (message !== undefined) throw new UsageError("--message needs --proto or --descriptor");
    return undefined;
  }
  if (message === undefined) throw new UsageError(`--${proto !== undefined ? "proto" : "descriptor"} needs --message NAME`);
  return proto !== undefined ? loadProtoFileMessage(proto, message) : loadDescriptorSetMessage(descriptor!, message);
}

async function totalSize(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new UsageError(`cannot read input file '${file}': no such file`);
    total += info.size;
  }
  return total;
}
