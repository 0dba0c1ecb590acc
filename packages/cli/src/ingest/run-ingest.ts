/**
 * The ingest loop: input records → converted records → batches → the stream, with progress, `--skip`,
 * and the guarantee that when a bad record stops the run, every record before it is in the table.
 */
import type { ConnectionSettings } from "../connection-settings.js";
import { CliError } from "../cli-error.js";
import { readInputRecords, RecordInputError, type InputFormat, type InputRecord } from "../input/input-records.js";
import { ProgressReporter, type ProgressReporterOptions } from "../output/progress-reporter.js";
import type { TableName } from "../table-name.js";
import { ConversionError } from "./conversion-error.js";
import { IngestSession } from "./ingest-session.js";
import { loadExactJsonParser } from "./exact-json.js";
import { hasJsonCells, JsonModeRecords } from "./json-mode-records.js";
import type { MessageSchema } from "./message-schema.js";
import { ProtoModeRecords } from "./proto-mode-records.js";
import { tableColumnFields } from "./table-columns.js";
import type { PendingRecord } from "./record-locator.js";

/** Everything one run needs. */
export interface IngestPlan {
  settings: ConnectionSettings;
  table: TableName;
  files: string[];
  format: InputFormat | undefined;
  /** The record message; none for a JSON stream. */
  message: MessageSchema | undefined;
  /** JSON stream with CSV input: the table's column types are needed to convert cells. */
  csvInJsonMode: boolean;
  batchSize: number;
  maxInflightRecords: number;
  skip: number;
  /** Progress output; none with `--quiet`. */
  progress: ProgressReporterOptions | undefined;
}

/** What a successful run did. */
export interface IngestSummary {
  records: number;
  skipped: number;
  elapsedMs: number;
}

/** Runs the ingest; throws `CliError` (with FILE:LINE for a bad record) when it stops early. */
export async function runIngest(plan: IngestPlan): Promise<IngestSummary> {
  const started = Date.now();
  const converter = await createConverter(plan);
  const session = await IngestSession.open({
    settings: plan.settings,
    tableName: plan.table.fullName,
    recordType: plan.message === undefined ? "json" : "proto",
    descriptor: plan.message?.descriptor,
    maxInflightRecords: plan.maxInflightRecords,
    batchSize: plan.batchSize,
  });
  let bytes = 0;
  let skipped = 0;
  const reporter = plan.progress === undefined ? undefined : new ProgressReporter(plan.progress, () => ({ records: session.sentRecords, bytes }));
  reporter?.start();
  let batch: PendingRecord[] = [];
  try {
    for await (const input of readInputRecords(plan.files, { format: plan.format, skip: plan.skip, onBytes: (n) => (bytes += n) })) {
      if (input.location.index < plan.skip) {
        skipped++;
        continue;
      }
      batch.push({ record: convert(converter, input), location: input.location });
      if (batch.length >= plan.batchSize) {
        const full = batch;
        batch = [];
        await session.send(full);
      }
    }
    if (batch.length > 0) await session.send(batch);
    if (skipped < plan.skip) throw new CliError(`--skip ${plan.skip} is beyond the ${skipped} records of the given file(s): nothing was sent`);
    await session.finish();
  } catch (err) {
    reporter?.stop();
    if (!(err instanceof RecordInputError)) {
      await session.abandon();
      throw err;
    }
    // Everything before the bad record goes in, so that --skip resumes exactly at it.
    if (batch.length > 0) await session.send(batch);
    await session.finish();
    throw new CliError(`${err.message}\nEvery record before it is in the table; after fixing it, resume with --skip ${err.location.index}.`, { cause: err });
  }
  reporter?.stop();
  return { records: session.sentRecords, skipped, elapsedMs: Date.now() - started };
}

type Converter = { convert(input: InputRecord): unknown };

async function createConverter(plan: IngestPlan): Promise<Converter> {
  if (plan.message !== undefined) return new ProtoModeRecords(plan.message.type, await loadExactJsonParser());
  if (!plan.csvInJsonMode) return new JsonModeRecords(undefined);
  const columns = await tableColumnFields(plan.settings, plan.table, "convert CSV");
  return new JsonModeRecords(columns, hasJsonCells(columns) ? await loadExactJsonParser() : undefined);
}

function convert(converter: Converter, input: InputRecord): unknown {
  try {
    return converter.convert(input);
  } catch (err) {
    if (err instanceof ConversionError) throw new RecordInputError({ ...input.location, line: err.line ?? input.location.line }, err.message);
    throw err;
  }
}
