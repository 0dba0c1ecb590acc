/**
 * `@zerobus-ts/sdk/sync`: the blocking client, shaped like the Python sync SDK. `createStream`,
 * `ingestRecord`, `waitForAck`, `flush` and `close` return when their work is done; the stream itself runs
 * in a worker thread. Records, tables and errors are the same as the async API's (`@zerobus-ts/sdk`).
 *
 * @packageDocumentation
 */

// Entry points
export { ZerobusSdk } from "./sync-sdk.js";
export type { StaticHeaders, SyncZerobusSdkOptions } from "./sync-sdk.js";
export { ZerobusStream } from "./sync-stream.js";
export { RecordAcknowledgment } from "./sync-ack.js";

// Shared with the async API
export { StreamState } from "../stream-state.js";
export { TableProperties } from "../table-properties.js";
export type { TablePropertiesInput, TablePropertiesLike } from "../table-properties.js";
export { loadDescriptorProto } from "../descriptor/load-descriptor-proto.js";
export { RecordType } from "../record-type.js";
export { StreamConfigurationOptions } from "../options.js";
export { GrpcStatus, NonRetriableException, ZerobusError, ZerobusException } from "../errors.js";
