/**
 * zerobus-ts SDK: a pure-TypeScript client for Databricks Zerobus Ingest.
 *
 * @packageDocumentation
 */
export {
  GrpcStatus,
  NON_RETRIABLE_GRPC_CODES,
  NonRetriableException,
  ZerobusError,
  ZerobusException,
  grpcStatusName,
  isRetriableGrpcCode,
} from "./errors.js";
export type { GrpcStatusCode, ZerobusErrorOptions } from "./errors.js";
