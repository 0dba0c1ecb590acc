/**
 * The official Zerobus TypeScript SDK's native binding (`@databricks/zerobus-ingest-sdk-linux-x64-gnu`,
 * a NAPI add-on around the Rust SDK), loaded straight from its `.node` file, with the few types the
 * interop tests use (PROTOCOL.md §9.3).
 */
import { createRequire } from "node:module";

/** `RecordType` of the official TypeScript SDK: JSON is 0 there, PROTO 1. */
export const NATIVE_RECORD_TYPE = { Json: 0, Proto: 1 } as const;

/** A stream of the official SDK. */
export interface NativeStream {
  ingestRecordOffset(payload: Buffer | string): Promise<bigint>;
  ingestRecordsOffset(payloads: Array<Buffer | string>): Promise<bigint | null>;
  waitForOffset(offset: bigint): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The official SDK's client. */
export interface NativeSdk {
  createStream(
    tableProperties: { tableName: string; descriptorProto?: string },
    clientId: string,
    clientSecret: string,
    options?: { recordType?: number; recoveryRetries?: number; recoveryBackoffMs?: number; flushTimeoutMs?: number },
  ): Promise<NativeStream>;
}

/** An Arrow stream of the official SDK (ARROW-FLIGHT.md §6). */
export interface NativeArrowStream {
  ingestBatch(ipc: Buffer): Promise<bigint>;
  waitForOffset(offset: bigint): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The official SDK's client, for Arrow streams. */
export interface NativeArrowSdk {
  createArrowStream(
    tableProperties: { tableName: string; schemaFields: object[] },
    clientId: string,
    clientSecret: string,
    options?: { ipcCompression?: number; recoveryRetries?: number; flushTimeoutMs?: number },
  ): Promise<NativeArrowStream>;
}

/** The add-on's exports. */
export interface NativeModule {
  ZerobusSdk: new (serverEndpoint: string, workspaceUrl: string) => NativeSdk;
}

const ADDON = "@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node";

/** The add-on, or the reason it cannot be loaded here (another platform, not installed). */
export function loadNativeSdk(): { module: NativeModule } | { reason: string } {
  if (process.platform !== "linux" || process.arch !== "x64") return { reason: `the add-on is built for linux-x64, this is ${process.platform}-${process.arch}` };
  try {
    return { module: createRequire(import.meta.url)(ADDON) as NativeModule };
  } catch (err) {
    return { reason: `cannot load ${ADDON}: ${(err as Error).message}` };
  }
}
