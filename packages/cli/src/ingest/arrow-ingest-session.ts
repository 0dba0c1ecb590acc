/**
 * One ingest run's Arrow stream: opens it through the SDK (OAuth per connection attempt), sends converted
 * batches, and when the stream fails says from which row on the table may be missing rows.
 *
 * Why that row is exact: Arrow acknowledgements count rows, so the batches the stream could not get
 * acknowledged (`getUnackedBatches`, the unacknowledged rows of each) end the run's rows; everything sent
 * before them is durable. Rows are sent in input order from the first one not skipped, so the first
 * unacknowledged row is that row's number plus the durable count.
 */
import * as arrow from "apache-arrow";
import { StreamState, type ZerobusArrowStream, type ZerobusSdk } from "@zerobus-ts/sdk";
import { CliError, errorText } from "../cli-error.js";
import type { ConnectionSettings } from "../connection-settings.js";
import { BatchInputError, type BatchLocation } from "../input/columnar-batches.js";
import { createSdk, headerSource } from "./sdk-connection.js";
import { StreamSession } from "./stream-session.js";

/** Where and how to ingest. */
export interface ArrowIngestTarget {
  settings: ConnectionSettings;
  tableName: string;
  /** The table's schema; every batch sent has it. */
  schema: arrow.Schema;
  /** Batches sent but not acknowledged, at most; the SDK's default (and its byte bound) when undefined. */
  maxInflightBatches: number | undefined;
}

/** An open Arrow stream plus what it takes to say where a failure leaves the input. */
export class ArrowIngestSession extends StreamSession<ZerobusArrowStream> {
  #sentRows = 0;
  /** The first row sent, across all files; files by the index of their row 0. */
  #firstIndex: number | undefined;
  readonly #files: Array<{ file: string; start: number }> = [];

  private constructor(sdk: ZerobusSdk, stream: ZerobusArrowStream) {
    super(sdk, stream);
  }

  /** Opens the stream; a `CliError` when the service refuses (unknown table, bad credentials, a schema it does not take). */
  static async open(target: ArrowIngestTarget): Promise<ArrowIngestSession> {
    const sdk = createSdk(target.settings);
    try {
      const options = target.maxInflightBatches === undefined ? {} : { maxInflightBatches: target.maxInflightBatches };
      const stream = await sdk.createArrowStream({ tableName: target.tableName, schema: target.schema }, "", "", options, headerSource(target.settings, target.tableName));
      return new ArrowIngestSession(sdk, stream);
    } catch (err) {
      sdk.close();
      throw new CliError(`cannot open an Arrow stream to ${target.tableName}: ${errorText(err)}`, { cause: err });
    }
  }

  /** Rows handed to the stream so far. */
  get sentRows(): number {
    return this.#sentRows;
  }

  /**
   * Sends one batch, or a table of consecutive batches (rows from `at` on) as one call; resolves once the stream queued it. Throws `BatchInputError` when
   * the SDK refuses the batch before sending it (the stream stays usable), or a `CliError` when the stream failed.
   */
  async send(batch: arrow.RecordBatch | arrow.Table, at: BatchLocation): Promise<void> {
    try {
      await this.stream.ingestBatch(batch);
    } catch (err) {
      if (this.stream.getState() === StreamState.FAILED) throw await this.failure(err);
      throw new BatchInputError(at, `the SDK refused the batch: ${errorText(err)}`);
    }
    this.#firstIndex ??= at.index;
    const fileStart = at.index - at.fileRow;
    if (this.#files.at(-1)?.file !== at.file || this.#files.at(-1)?.start !== fileStart) this.#files.push({ file: at.file, start: fileStart });
    this.#sentRows += batch.numRows;
  }

  protected async failure(err: unknown): Promise<CliError> {
    const message = errorText(err);
    await this.stream.close().catch(() => {});
    const unacked = await this.unackedRows();
    this.sdk.close();
    if (unacked === undefined || this.#firstIndex === undefined) return new CliError(`the stream failed: ${message}`, { cause: err });
    const index = this.#firstIndex + this.#sentRows - unacked;
    const at = this.locate(index);
    return new CliError(
      `the stream failed at ${at}: ${message}\n` +
        `Every row before it is in the table; later ones may be in part. Resume with --skip ${index} (rows after that point may then appear twice).`,
      { cause: err },
    );
  }

  private async unackedRows(): Promise<number | undefined> {
    try {
      let rows = 0;
      for (const ipc of await this.stream.getUnackedBatches()) rows += arrow.tableFromIPC(ipc).numRows;
      return rows;
    } catch {
      return undefined;
    }
  }

  /** `file: row N` of a row number across all files sent. */
  private locate(index: number): string {
    const file = [...this.#files].reverse().find((f) => f.start <= index) ?? this.#files[0]!;
    return `${file.file}: row ${(index - file.start + 1).toLocaleString("en-US")}`;
  }
}
