/**
 * `zerobus ingest --table T FILE…`: JSON Lines and CSV files into a table through the SDK.
 */
import { stat } from "node:fs/promises";
import { EXIT_CODES, UsageError } from "../cli-error.js";
import type { CommandContext } from "../command-context.js";
import { HELP_OPTION, parseCommandLine, parseIntegerFlag } from "../command-line.js";
import { connectionHelp, CONNECTION_OPTIONS, resolveConnection } from "../connection-settings.js";
import { parseDurationMs } from "../durations.js";
import { formatOf, type InputFormat } from "../input/input-records.js";
import { loadDescriptorSetMessage, loadProtoFileMessage, type MessageSchema } from "../ingest/message-schema.js";
import { runIngest } from "../ingest/run-ingest.js";
import { parseTableName } from "../table-name.js";

/** `zerobus ingest --help`. */
export const INGEST_HELP = `Usage: zerobus ingest --table TABLE [options] FILE...

Sends the records of JSON Lines files (one JSON object per line) and CSV files (a header row naming
the columns, then one record per row; RFC 4180 quoting) into a table, through a Zerobus stream.
Files are read as they are sent, never whole. A .csv file is CSV; any other is JSON Lines.

  --table TABLE            catalog.schema.table (required)
  --format jsonl|csv       read every file as this format, whatever its name
  --proto FILE.proto       send PROTO records of --message, defined in this .proto file
  --descriptor FILE.pb     … or defined in this FileDescriptorSet (protoc --descriptor_set_out,
                           zerobus proto --descriptor)
  --message NAME           the record message (with --proto or --descriptor)
  --batch-size N           records per ingest call (one offset, one ack per batch)  (default 1)
  --max-inflight N         records sent but not yet acknowledged, at most           (default 50000)
  --skip N                 skip the first N records (of all files, in order): resume after a stop
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
  const format = parseFormat(values.format);
  const message = loadMessage(values.proto, values.descriptor, values.message);
  const batchSize = values["batch-size"] === undefined ? 1 : parseIntegerFlag(values["batch-size"], "batch-size", 1);
  const maxInflight = values["max-inflight"] === undefined ? DEFAULT_MAX_INFLIGHT : parseIntegerFlag(values["max-inflight"], "max-inflight", 1);
  const skip = values.skip === undefined ? 0 : parseIntegerFlag(values.skip, "skip", 0);
  const plainIntervalMs = values["progress-interval"] === undefined ? DEFAULT_PROGRESS_INTERVAL_MS : parseDurationMs(values["progress-interval"], "progress-interval");
  const totalBytes = await totalSize(positionals);
  const settings = resolveConnection(values, ctx.env, true);
  const tty = ctx.stderr.isTTY === true;

  const summary = await runIngest({
    settings,
    table,
    files: positionals,
    format,
    message,
    csvInJsonMode: message === undefined && positionals.some((f) => formatOf(f, format) === "csv"),
    batchSize,
    maxInflightRecords: maxInflight,
    skip,
    progress: values.quiet ? undefined : { out: ctx.stderr, tty, totalBytes, intervalMs: tty ? TTY_REDRAW_MS : plainIntervalMs },
  });
  const seconds = summary.elapsedMs / 1000;
  const rate = Math.round(summary.records / Math.max(seconds, 0.001));
  const skipped = summary.skipped > 0 ? `, skipped the first ${summary.skipped}` : "";
  ctx.stdout.write(
    `ingested ${summary.records} records into ${table.fullName} from ${positionals.length} file(s) in ${seconds.toFixed(1)} s (${rate} records/s${skipped})\n`,
  );
  return EXIT_CODES.OK;
}

function parseFormat(value: string | undefined): InputFormat | undefined {
  if (value === undefined) return undefined;
  if (value === "jsonl" || value === "csv") return value;
  if (value === "json" || value === "ndjson") return "jsonl";
  throw new UsageError(`--format must be jsonl or csv, got '${value}'`);
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
