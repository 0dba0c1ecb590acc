/**
 * The columnar ingest loop: Parquet and Arrow IPC batches → the table's Arrow schema → an Arrow stream,
 * with progress, `--skip`, and the same guarantee as for row files: when bad input stops the run, every
 * row before the bad one is in the table.
 */
import * as arrow from "apache-arrow";
import { CliError } from "../cli-error.js";
import type { ConnectionSettings } from "../connection-settings.js";
import { BatchInputError, readColumnarBatches, type InputBatch } from "../input/columnar-batches.js";
import type { ColumnarFormat } from "../input/file-format.js";
import { ProgressReporter, type ProgressReporterOptions } from "../output/progress-reporter.js";
import type { TableName } from "../table-name.js";
import { ArrowBatchConverter, tableSchemaOf } from "./arrow-batch-converter.js";
import { ArrowBatchGroups } from "./arrow-batch-groups.js";
import { ColumnMismatchError, ColumnValueError } from "./arrow-column-errors.js";
import { ArrowIngestSession } from "./arrow-ingest-session.js";
import type { IngestSummary } from "./run-ingest.js";
import { tableArrowColumns, type TableArrowColumn } from "./table-arrow-schema.js";
import { tableColumnFields } from "./table-columns.js";

/** Everything one columnar run needs. */
export interface ArrowIngestPlan {
  settings: ConnectionSettings;
  table: TableName;
  files: string[];
  formatOf(file: string): ColumnarFormat;
  /** Rows per ingest call at most. */
  rowsPerBatch: number;
  /** Rows sent but not acknowledged, at most; the SDK's bounds when undefined. */
  maxInflightRows: number | undefined;
  skip: number;
  /** Progress output; none with `--quiet`. */
  progress: ProgressReporterOptions | undefined;
}

/** Runs the ingest; throws `CliError` (naming the file and row) when it stops early. */
export async function runArrowIngest(plan: ArrowIngestPlan): Promise<IngestSummary> {
  const started = Date.now();
  const columns = tableArrowColumns(await tableColumnFields(plan.settings, plan.table, "send Arrow"));
  const schema = tableSchemaOf(columns);
  const session = await ArrowIngestSession.open({
    settings: plan.settings,
    tableName: plan.table.fullName,
    schema,
    maxInflightBatches: plan.maxInflightRows === undefined ? undefined : Math.max(1, Math.ceil(plan.maxInflightRows / plan.rowsPerBatch)),
  });
  let bytes = 0;
  let rowsRead = 0;
  const reporter = plan.progress === undefined ? undefined : new ProgressReporter(plan.progress, () => ({ records: session.sentRows, bytes }));
  reporter?.start();
  const converters = new FileConverters(columns, schema);
  const groups = new ArrowBatchGroups(session, plan.rowsPerBatch);
  try {
    const batches = readColumnarBatches(plan.files, {
      formatOf: plan.formatOf,
      rowsPerBatch: plan.rowsPerBatch,
      skip: plan.skip,
      onBytes: (n) => (bytes += n),
      onRows: (n) => (rowsRead += n),
    });
    for await (const input of batches) await sendConverted(input, converters.for(input), groups);
    await groups.flush();
    if (plan.skip > rowsRead) throw new CliError(`--skip ${plan.skip} is beyond the ${rowsRead} rows of the given file(s): nothing was sent`);
    await session.finish();
  } catch (err) {
    reporter?.stop();
    if (!(err instanceof BatchInputError)) {
      await session.abandon();
      throw err;
    }
    // Everything before the bad row goes in, so that --skip resumes exactly at it.
    await groups.flush();
    await session.finish();
    throw new CliError(`${err.message}\nEvery row before it is in the table; after fixing it, resume with --skip ${err.location.index}.`, { cause: err });
  }
  reporter?.stop();
  return { records: session.sentRows, skipped: Math.min(plan.skip, rowsRead), elapsedMs: Date.now() - started };
}

/** One converter per file, planned from the file's schema when its first batch arrives. */
class FileConverters {
  #file: string | undefined;
  #converter: ArrowBatchConverter | undefined;

  constructor(
    private readonly columns: readonly TableArrowColumn[],
    private readonly schema: arrow.Schema,
  ) {}

  /** The converter of the input's file. */
  for({ batch, location }: InputBatch): ArrowBatchConverter {
    return this.plan(batch.schema, location);
  }

  private plan(fileSchema: arrow.Schema, at: InputBatch["location"]): ArrowBatchConverter {
    if (this.#file === at.file && this.#converter !== undefined) return this.#converter;
    try {
      this.#converter = ArrowBatchConverter.plan(fileSchema, this.columns, this.schema);
    } catch (err) {
      if (err instanceof ColumnMismatchError) throw new BatchInputError(at, `the file's columns do not fit the table: ${err.message}`);
      throw err;
    }
    this.#file = at.file;
    return this.#converter;
  }
}

/**
 * Sends the batch in the table's schema. A value that does not fit stops the run at its row, after the
 * rows before it in the batch are sent, so that `--skip` resumes right at it.
 */
async function sendConverted({ batch, location }: InputBatch, converter: ArrowBatchConverter, groups: ArrowBatchGroups): Promise<void> {
  let converted: arrow.RecordBatch;
  try {
    converted = converter.convert(batch);
  } catch (err) {
    if (!(err instanceof ColumnValueError)) throw err;
    if (err.row > 0) await groups.add(converter.convert(batch.slice(0, err.row)), location);
    throw new BatchInputError({ file: location.file, fileRow: location.fileRow + err.row, index: location.index + err.row }, err.message);
  }
  await groups.add(converted, location);
}
