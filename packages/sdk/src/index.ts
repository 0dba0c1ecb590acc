/**
 * zerobus-ts SDK: a pure-TypeScript client for Databricks Zerobus Ingest.
 *
 * Entry points: {@link ZerobusSdk} → `createStream` → {@link ZerobusStream}. Records are protobuf messages,
 * bytes or plain objects (PROTO streams) or strings and plain objects (JSON streams).
 *
 * @packageDocumentation
 */

// Entry points
export { ZerobusSdk } from "./sdk.js";
export type { ZerobusSdkOptions } from "./sdk.js";
export { DEFAULT_TOKEN_REFRESH_BUFFER_MS } from "./sdk.js";
export { ZerobusStream } from "./stream.js";
export { RecordAcknowledgment } from "./acknowledgment.js";
export { StreamState } from "./stream-state.js";

// Arrow Flight streams (need the optional peer dependency apache-arrow)
export { ZerobusArrowStream } from "./arrow/arrow-stream.js";
export { ArrowDataType, IpcCompressionType } from "./arrow/arrow-types.js";
export type {
  ArrowBatchInput,
  ArrowField,
  ArrowRecordBatchLike,
  ArrowSchemaLike,
  ArrowTableLike,
  ArrowTableProperties,
} from "./arrow/arrow-types.js";
export { DEFAULT_ARROW_STREAM_OPTIONS } from "./arrow/arrow-options.js";
export type { ArrowStreamConfigurationOptions, ResolvedArrowStreamOptions } from "./arrow/arrow-options.js";

// Tables, descriptors and records
export { TableProperties } from "./table-properties.js";
export type { TablePropertiesInput, TablePropertiesLike } from "./table-properties.js";
export { loadDescriptorProto } from "./descriptor/load-descriptor-proto.js";
export type { LoadDescriptorOptions } from "./descriptor/load-descriptor-proto.js";
export type { DescriptorInput } from "./descriptor/resolve-descriptor.js";
export { RecordType } from "./record-type.js";
export type { RecordTypeValue } from "./record-type.js";
export { fetchTableSchema } from "./schema/fetch-table-schema.js";
export type { FetchTableSchemaOptions } from "./schema/fetch-table-schema.js";
export { tableSchemaToDescriptor, tableSchemaToDescriptorSet, tableSchemaToProto } from "./schema/table-schema-to-proto.js";
export type { TableSchemaDescriptorSetOptions, TableSchemaInput, TableSchemaProtoOptions } from "./schema/table-schema-to-proto.js";
export { columnTypeText } from "./schema/column-type.js";
export type { ColumnField, ColumnType, PrimitiveTypeName, TableColumn } from "./schema/column-type.js";
export { parseColumnList, parseColumnType } from "./schema/parse-column-type.js";
export type { ColumnTypeParseOptions } from "./schema/parse-column-type.js";

// Options
export { DEFAULT_STREAM_OPTIONS, StreamConfigurationOptions } from "./options.js";
export type { ResolvedStreamOptions } from "./options.js";
export type { AckCallback, AckInfo } from "./ack-callback.js";

// Integration surfaces (docs/integrations.md)
export type { RecordWritable, RecordWritableEnd, RecordWritableOptions } from "./node-streams/record-writable.js";
export type { IngestAllOptions } from "./node-streams/ingest-all.js";
export type { IngestSummary } from "./node-streams/record-sink.js";
export type { WaitOptions } from "./node-streams/abortable.js";
export { isAbortError } from "./node-streams/abortable.js";
export type { ErrorSummary, StreamMetricsSnapshot, StreamTotals } from "./metrics/stream-metrics.js";
export type { HistogramSummary } from "./metrics/log-histogram.js";
export { OTEL_INSTRUMENTS } from "./metrics/otel-metrics.js";
export type { OtelMeter, OtelMeterProvider } from "./metrics/otel-types.js";
export type { Log, LogFields, LoggerLike, LogLevel } from "./logging/log.js";

// Authentication
export { OAuthHeadersProvider } from "./auth/oauth-headers-provider.js";
export type { GetHeadersOptions, OAuthHeadersProviderOptions } from "./auth/oauth-headers-provider.js";
export type { HeaderPairs, HeadersCallbackProvider, HeadersProvider, HeadersProviderInput } from "./auth/headers-provider.js";
export { fetchOAuthToken } from "./auth/oauth-token.js";
export type { OAuthTokenRequest } from "./auth/oauth-token.js";
export { fetchWorkspaceToken } from "./auth/oauth-token.js";
export type { WorkspaceTokenRequest } from "./auth/oauth-token.js";
export { workspaceIdFromEndpoint } from "./auth/workspace-id.js";
export type { SubjectTokenSupplier } from "./auth/subject-token.js";

// Errors
export {
  GrpcStatus,
  NON_RETRIABLE_GRPC_CODES,
  NonRetriableException,
  SCHEMA_VALIDATION_FAILED,
  ZerobusError,
  ZerobusException,
  grpcStatusName,
  isRetriableGrpcCode,
} from "./errors.js";
export type { GrpcStatusCode, ZerobusErrorOptions } from "./errors.js";
export type { ErrorInfo } from "./wire/status-details.js";
export { MAX_RECOVERY_BACKOFF_MS } from "./recovery-backoff.js";

export { SDK_VERSION } from "./version.js";
