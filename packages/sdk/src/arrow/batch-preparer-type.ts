/**
 * What an Arrow stream needs from the part that turns `ingestBatch` input into frames, as an interface free of
 * apache-arrow types, so that the SDK's published type declarations never need apache-arrow installed.
 */
import type { ArrowBatch } from "./arrow-batch.js";
import type { ArrowBatchInput, ArrowSchemaLike } from "./arrow-types.js";

/** Turns `ingestBatch` input into an {@link ArrowBatch} (implemented by `IpcBatchPreparer`). */
export interface BatchPreparer {
  /** The declared schema (an apache-arrow `Schema`). */
  readonly schema: ArrowSchemaLike;
  /** The declared schema's IPC `Message` flatbuffer: the first frame of every call. */
  readonly schemaMessage: Uint8Array;
  /** The frames of `input`; throws `NonRetriableException` for bad input. */
  prepare(input: ArrowBatchInput): ArrowBatch;
}
