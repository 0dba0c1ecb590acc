/**
 * Turns what `ingestBatch` is given (IPC bytes, a RecordBatch, a Table) into an {@link ArrowBatch}, refusing
 * bad input with a {@link NonRetriableException} that names what was wrong, before anything is queued.
 *
 * The common case costs no copy and no decoding: IPC bytes whose schema message is byte-for-byte one already
 * accepted, and whose record batches fit in a frame, become frames that are views of those bytes; so do
 * RecordBatch/Table input of flat columns, whose frames hold the columns' arrays and write them into each
 * request (`columns-frame.ts`). Only a new schema (checked once, then remembered), a batch over the frame size
 * (split by rows, ARROW-FLIGHT.md §2) and nested columns go through apache-arrow.
 */
import type { RecordBatch, Schema, Table } from "apache-arrow";
import { NonRetriableException } from "../errors.js";
import { MAX_MESSAGE_BYTES } from "../options.js";
import { ArrowBatch, frameBodyLength, type ArrowFrame } from "./arrow-batch.js";
import type { ArrowBatchInput, ArrowSchemaLike } from "./arrow-types.js";
import type { BatchPreparer } from "./batch-preparer-type.js";
import { assertNoDictionaries, schemaDifference, type DeclaredSchema } from "./declared-schema.js";
import { MessageKind, readIpcMessages, recordBatchSummary, type IpcMessage } from "./ipc-messages.js";
import type { ArrowModule } from "./load-arrow.js";
import { recordBatchFrame, type Assembler } from "./record-batch-frame.js";

/** Frames carry at most this much body, as the official clients cut them (2 MiB). */
export const FRAME_TARGET_BYTES = 2 * 1024 * 1024;
/** Room left in a 10 MiB message for the FlightData fields around a frame. */
const FRAME_OVERHEAD_BYTES = 64;
/** Distinct encodings of the stream's schema remembered as accepted. */
const MAX_ACCEPTED_SCHEMAS = 16;

const refused = (what: string): NonRetriableException => new NonRetriableException(`ingestBatch: ${what}`);

/** Whether `bytes` start with the IPC file format's magic, `ARROW1`. */
const isIpcFile = (bytes: Uint8Array): boolean =>
  bytes.length >= 6 && bytes[0] === 0x41 && bytes[1] === 0x52 && bytes[2] === 0x52 && bytes[3] === 0x4f && bytes[4] === 0x57 && bytes[5] === 0x31;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** See the module comment. */
export class IpcBatchPreparer implements BatchPreparer {
  readonly #arrow: ArrowModule;
  readonly #assembler: Assembler;
  readonly #schema: Schema;
  /** Schema objects already found equal to the declared one. */
  readonly #checkedSchemas = new WeakSet<Schema>();
  /** Schema messages known to encode the declared schema (the declared one first). */
  readonly #accepted: Uint8Array[];
  /** The declared schema's IPC `Message` flatbuffer: the first frame of every call. */
  readonly schemaMessage: Uint8Array;

  /** A preparer for batches of `declared`. */
  constructor(arrow: ArrowModule, assembler: Assembler, declared: DeclaredSchema) {
    this.#arrow = arrow;
    this.#assembler = assembler;
    this.#schema = declared.schema;
    this.schemaMessage = declared.message;
    this.#accepted = [declared.message];
  }

  /** The declared schema (an apache-arrow `Schema`). */
  get schema(): ArrowSchemaLike {
    return this.#schema;
  }

  /** The frames of `input`; throws {@link NonRetriableException} for bad input. */
  prepare(input: ArrowBatchInput): ArrowBatch {
    if (input instanceof Uint8Array) return this.#fromIpc(input, true);
    const candidate = input as Partial<Table & RecordBatch> | null;
    if (typeof candidate !== "object" || candidate === null || !candidate.schema || !Array.isArray(candidate.schema.fields)) {
      throw refused(`expected Arrow IPC stream bytes, an apache-arrow RecordBatch or a Table, got ${candidate === null ? "null" : typeof candidate}`);
    }
    if (!(candidate.schema instanceof this.#arrow.Schema)) {
      // Two copies of apache-arrow (an ESM and a CommonJS load, or two versions) do not recognise each
      // other's types; say so instead of reporting equal-looking columns as different.
      throw refused(
        "the batch was built with another copy of apache-arrow than the one the SDK loads (two versions, or an ES module and a CommonJS load of it): " +
          "use one apache-arrow for both, or pass IPC stream bytes (tableToIPC(table, \"stream\"))",
      );
    }
    this.#checkSchema(candidate.schema);
    const batches = Array.isArray(candidate.batches) ? (candidate as unknown as Table).batches : [candidate as unknown as RecordBatch];
    const frames: ArrowFrame[] = [];
    for (const batch of batches) {
      if (batch.numRows === 0) continue;
      const frame = recordBatchFrame(this.#assembler, batch);
      const bodyBytes = frameBodyLength(frame);
      if (bodyBytes <= FRAME_TARGET_BYTES) frames.push(frame);
      else this.#split(batch, bodyBytes, frames);
    }
    if (frames.length === 0) throw refused("the batch has no rows (an empty batch could never be acknowledged)");
    return new ArrowBatch(frames);
  }

  #fromIpc(bytes: Uint8Array, checkSchema: boolean): ArrowBatch {
    if (isIpcFile(bytes)) throw refused("the bytes are an Arrow IPC *file* (ARROW1); pass the stream format, e.g. tableToIPC(table, \"stream\")");
    let messages: IpcMessage[];
    try {
      messages = readIpcMessages(bytes);
    } catch (err) {
      throw refused(`the bytes are not an Arrow IPC stream: ${(err as Error).message}`);
    }
    const schema = messages[0];
    if (!schema || schema.kind !== MessageKind.Schema) throw refused("the IPC stream does not start with a schema message");
    if (checkSchema) this.#checkSchemaMessage(schema.header);
    const frames: ArrowFrame[] = [];
    let decoded: Table | undefined;
    for (let i = 1, batchIndex = 0; i < messages.length; i++) {
      const message = messages[i]!;
      if (message.kind === MessageKind.DictionaryBatch) throw refused("the IPC stream holds dictionary batches: dictionary-encoded columns are not supported");
      if (message.kind !== MessageKind.RecordBatch) throw refused(`unexpected IPC message (header type ${message.kind})`);
      const rows = this.#checkedRows(message);
      const index = batchIndex++;
      if (rows === 0) continue;
      if (message.body.length <= FRAME_TARGET_BYTES) {
        frames.push({ header: message.header, body: message.body, rows });
        continue;
      }
      decoded ??= this.#decode(bytes);
      this.#split(decoded.batches[index]!, message.body.length, frames);
    }
    if (frames.length === 0) throw refused("the batch has no rows (an empty batch could never be acknowledged)");
    return new ArrowBatch(frames);
  }

  /** The row count of a RecordBatch message whose buffers lie within its body. */
  #checkedRows(message: IpcMessage): number {
    let summary;
    try {
      summary = recordBatchSummary(message.header, message.body.length);
    } catch (err) {
      throw refused(`a record batch header does not parse: ${(err as Error).message}`);
    }
    if (summary.compressed) throw refused("the IPC batch is compressed: pass uncompressed batches (the stream compresses them with ipcCompression)");
    if (!summary.buffersInBody) throw refused(`a record batch buffer lies outside its body (${message.body.length} bytes)`);
    if (summary.rows < 0) throw refused(`a record batch has ${summary.rows} rows`);
    return summary.rows;
  }

  #decode(bytes: Uint8Array): Table {
    try {
      return this.#arrow.tableFromIPC(bytes);
    } catch (err) {
      throw refused(`the IPC stream does not decode: ${(err as Error).message}`);
    }
  }

  /** Cuts `batch` into frames of about {@link FRAME_TARGET_BYTES}, by rows, as the official encoder does. */
  #split(batch: RecordBatch, bodyBytes: number, frames: ArrowFrame[]): void {
    const rows = batch.numRows;
    const parts = Math.max(1, Math.ceil(bodyBytes / FRAME_TARGET_BYTES));
    const rowsPerFrame = Math.max(1, Math.floor(rows / parts));
    for (let start = 0; start < rows; start += rowsPerFrame) {
      const slice = batch.slice(start, Math.min(rows, start + rowsPerFrame));
      const frame = recordBatchFrame(this.#assembler, slice);
      const bodyBytes = frameBodyLength(frame);
      const size = frame.header.length + bodyBytes;
      if (bodyBytes > FRAME_TARGET_BYTES && slice.numRows > 1) {
        this.#split(slice, bodyBytes, frames); // rows of uneven size: cut this part finer
      } else if (size + FRAME_OVERHEAD_BYTES > MAX_MESSAGE_BYTES) {
        throw refused(`row ${start} alone takes ${size} bytes, more than one message may carry (${MAX_MESSAGE_BYTES} bytes, 10 MiB)`);
      } else {
        frames.push(frame);
      }
    }
  }

  #checkSchemaMessage(header: Uint8Array): void {
    for (const known of this.#accepted) if (sameBytes(known, header)) return;
    let schema: Schema;
    try {
      const stream = Buffer.alloc(8 + header.length + 8);
      stream.writeUInt32LE(0xffffffff, 0);
      stream.writeInt32LE(header.length, 4);
      stream.set(header, 8);
      stream.writeUInt32LE(0xffffffff, 8 + header.length);
      schema = this.#arrow.tableFromIPC(stream).schema;
    } catch (err) {
      throw refused(`the IPC schema message does not parse: ${(err as Error).message}`);
    }
    this.#checkSchema(schema);
    if (this.#accepted.length < MAX_ACCEPTED_SCHEMAS) this.#accepted.push(header.slice());
  }

  #checkSchema(schema: Schema): void {
    if (schema === this.#schema || this.#checkedSchemas.has(schema)) return;
    assertNoDictionaries(this.#arrow, schema, "ingestBatch");
    const difference = schemaDifference(this.#arrow, this.#schema, schema);
    if (difference) throw refused(`the batch's schema differs from the stream's: ${difference}`);
    // apache-arrow schemas are immutable: one found equal stays equal (batches of one table share theirs).
    this.#checkedSchemas.add(schema);
  }
}
