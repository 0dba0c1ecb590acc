/**
 * One ingest run's stream: opens it through the SDK (OAuth per connection attempt), sends records or
 * batches, and turns a failure into an error that names the input record at fault, after making sure
 * every record before that one is in the table.
 *
 * Why records before a refused one are in the table: the service handles requests in order and ends the
 * stream at the first bad one, so every earlier request was received and committed — except the records
 * sharing a batch with the bad one, which a batch's atomicity refuses with it. Those are resent here, one
 * at a time on a fresh stream, which also pins the bad record down when the message does not say which
 * of the batch it was.
 */
import { DEFAULT_STREAM_OPTIONS, RecordType, StreamState, TableProperties, type DescriptorInput, type ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { CliError, errorText } from "../cli-error.js";
import type { ConnectionSettings } from "../connection-settings.js";
import { RecordInputError } from "../input/input-records.js";
import { RecordLocator, type PendingRecord } from "./record-locator.js";
import { createSdk, headerSource } from "./sdk-connection.js";
import { StreamSession } from "./stream-session.js";

/** Where and how to ingest. */
export interface IngestTarget {
  settings: ConnectionSettings;
  tableName: string;
  recordType: "json" | "proto";
  /** The record message (PROTO streams). */
  descriptor: DescriptorInput | undefined;
  maxInflightRecords: number;
  /** Records per ingest call; 1 sends each record with `ingestRecordOffset`. */
  batchSize: number;
}

/** An open stream plus what it takes to say which record a failure is about. */
export class IngestSession extends StreamSession<ZerobusStream> {
  #nextOffset = 0;
  #sentRecords = 0;

  private constructor(
    private readonly target: IngestTarget,
    sdk: ZerobusSdk,
    stream: ZerobusStream,
    private readonly locator: RecordLocator,
  ) {
    super(sdk, stream);
  }

  /** Opens the stream; a `CliError` when the service refuses (unknown table, bad credentials, bad descriptor). */
  static async open(target: IngestTarget): Promise<IngestSession> {
    const locator = new RecordLocator();
    const sdk = createSdk(target.settings);
    try {
      return new IngestSession(target, sdk, await openStream(sdk, target, locator), locator);
    } catch (err) {
      sdk.close();
      throw new CliError(`cannot open a stream to ${target.tableName}: ${errorText(err)}`, { cause: err });
    }
  }

  /** Records handed to the stream so far. */
  get sentRecords(): number {
    return this.#sentRecords;
  }

  /** Records acknowledged (durable) so far. */
  get ackedRecords(): number {
    return this.locator.ackedRecords;
  }

  /**
   * Sends one request (a record, or a batch under one offset); resolves once the stream admitted it.
   * Throws `RecordInputError` when the SDK refuses a record before sending (the stream stays usable),
   * or a `CliError` naming the record at fault when the stream failed.
   */
  async send(records: PendingRecord[]): Promise<void> {
    const request = { offset: this.#nextOffset, records };
    this.locator.register(request);
    try {
      if (this.target.batchSize === 1 && records.length === 1) await this.stream.ingestRecordOffset(records[0]!.record);
      else await this.stream.ingestRecordsOffset(records.map((r) => r.record));
    } catch (err) {
      this.locator.unregister(request.offset);
      if (this.stream.getState() === StreamState.FAILED) throw await this.failure(err);
      return this.refusedBeforeSending(records, err);
    }
    this.#nextOffset++;
    this.#sentRecords += records.length;
  }

  // The SDK checks records before anything is sent; for a batch, find the record by sending one at a time.
  private async refusedBeforeSending(records: PendingRecord[], err: unknown): Promise<void> {
    if (records.length === 1) throw new RecordInputError(records[0]!.location, `the SDK refused the record: ${errorText(err)}`);
    for (const record of records) await this.sendAlone(record);
  }

  private async sendAlone(record: PendingRecord): Promise<void> {
    const request = { offset: this.#nextOffset, records: [record] };
    this.locator.register(request);
    try {
      await this.stream.ingestRecordOffset(record.record);
    } catch (err) {
      this.locator.unregister(request.offset);
      if (this.stream.getState() === StreamState.FAILED) throw await this.failure(err);
      throw new RecordInputError(record.location, `the SDK refused the record: ${errorText(err)}`);
    }
    this.#nextOffset++;
    this.#sentRecords++;
  }

  /** Builds the error for a failed stream; resends what a refused batch took down with the bad record. */
  protected async failure(err: unknown): Promise<CliError> {
    const message = errorText(err);
    const located = this.locator.locate(message);
    const first = this.locator.firstUnacked();
    await this.stream.close().catch(() => {});
    this.sdk.close();
    if (located === undefined) return unlocatedFailure(message, first?.records[0], err);
    const { records } = located.request;
    if (records.length === 1) return refusedRecord(records[0]!, message, err);
    const found = await resendUntilRefused(this.target, records, located.recordIndex);
    if (found === undefined) return unlocatedFailure(message, records[0], err);
    return refusedRecord(found.record, found.message ?? message, err);
  }
}

async function openStream(sdk: ZerobusSdk, target: IngestTarget, locator: RecordLocator | undefined): Promise<ZerobusStream> {
  const fetchHeaders = headerSource(target.settings, target.tableName);
  // Asked once per connection attempt: the moment wire offsets restart at 0.
  const headers = {
    getHeaders: () => {
      locator?.connecting();
      return fetchHeaders();
    },
  };
  return sdk.createStream(
    new TableProperties(target.tableName, target.descriptor),
    "",
    "",
    {
      recordType: target.recordType === "json" ? RecordType.JSON : RecordType.PROTO,
      maxInflightRecords: target.maxInflightRecords,
      ...ONE_REQUEST_PER_CALL,
      ...(locator !== undefined ? { ackCallback: (info: { durabilityAckUpToOffset: bigint }) => locator.acked(Number(info.durabilityAckUpToOffset)) } : {}),
    },
    headers,
  );
}

/**
 * Keeps each ingest call its own wire request. An SDK that coalesces consecutive single-record calls into
 * one batch request (its `maxRecordsPerRequest` option) would make a refused record take the records
 * packed before it down with it, and the service's offsets would no longer name calls. `--batch-size`
 * is the way to batch here. Passed only when the SDK has the option (older ones reject unknown options).
 */
const ONE_REQUEST_PER_CALL: Record<string, number> = "maxRecordsPerRequest" in DEFAULT_STREAM_OPTIONS ? { maxRecordsPerRequest: 1 } : {};

/**
 * Sends `records` one at a time on a new stream, each acknowledged before the next, stopping before
 * `badIndex` when known, else at the first refused one. Returns the bad record (and the refusal).
 */
async function resendUntilRefused(
  target: IngestTarget,
  records: PendingRecord[],
  badIndex: number | undefined,
): Promise<{ record: PendingRecord; message?: string } | undefined> {
  const sdk = createSdk(target.settings);
  try {
    const stream = await openStream(sdk, target, undefined);
    try {
      for (let i = 0; i < records.length; i++) {
        if (i === badIndex) return { record: records[i]! };
        try {
          await stream.waitForOffset(await stream.ingestRecordOffset(records[i]!.record));
        } catch (err) {
          return { record: records[i]!, message: errorText(err) };
        }
      }
      return undefined;
    } finally {
      await stream.close().catch(() => {});
    }
  } catch (err) {
    throw new CliError(`the stream failed and the records sharing a batch with the bad record could not be resent: ${errorText(err)}`, { cause: err });
  } finally {
    sdk.close();
  }
}

function refusedRecord(record: PendingRecord, message: string, cause: unknown): CliError {
  const { file, line, index } = record.location;
  return new CliError(
    `${file}:${line}: the service refused the record: ${message}\n` +
      `Every record before it is in the table; after fixing it, resume with --skip ${index}.`,
    { cause },
  );
}

function unlocatedFailure(message: string, firstUnacked: PendingRecord | undefined, cause: unknown): CliError {
  if (firstUnacked === undefined) return new CliError(`the stream failed: ${message}`, { cause });
  const { file, line, index } = firstUnacked.location;
  return new CliError(
    `the stream failed at ${file}:${line} or a later record: ${message}\n` +
      `Every record before ${file}:${line} is in the table; later ones may be in part. ` +
      `Resume with --skip ${index} (rows after that point may then appear twice).`,
    { cause },
  );
}
