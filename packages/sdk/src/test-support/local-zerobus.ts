/**
 * The local Zerobus service (`@zerobus-ts/local`) as a fault-test server: real gRPC, real OAuth token
 * endpoint, real Delta table on disk, plus its fault switches. "Present at the server" is then checked the
 * honest way, by reading the Delta table back and counting rows per record id.
 *
 * Why a run-time import: `@zerobus-ts/local` depends on the SDK, so the SDK package cannot depend on it
 * (its type-check resolves packages through their built declarations, and the local package ships none).
 * Tests load it by name at run time — the test runner's `zerobus-source` condition resolves it to its
 * sources — and see it through the small interface declared here, which covers only what the tests use.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import type { ZerobusStream } from "../stream.js";
import { TableProperties } from "../table-properties.js";
import type { DeliveryTracker } from "./delivery-tracker.js";
import { unackedIds } from "./numbered-records.js";

/** The local service's fault switches (`service.faults`); see `packages/local/src/service/service-faults.ts`. */
export interface LocalFaultSwitches {
  failNextStream(code: number, message?: string): void;
  delayAcks(ms: number): void;
  stallAcks(): void;
  resumeAcks(): void;
  cutConnectionsAfter(requests: number): void;
  sendCloseSignalNow(durationMs: number): void;
}

/** The part of `LocalService` the fault tests use. */
export interface LocalServiceHandle {
  readonly serverEndpoint: string;
  readonly workspaceUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly dataDir: string;
  readonly faults: LocalFaultSwitches;
  createTable(fullName: string, columns: string): Promise<unknown>;
  issueToken(options: { scopes: readonly string[]; ttlSeconds?: number }): string;
  close(): Promise<void>;
}

/** Options passed through to `startLocalService`. */
export interface LocalServiceStartOptions {
  tokenTtlSeconds?: number;
  /** Issuers whose JWTs the token endpoint exchanges (see `TrustedIssuer` in `@zerobus-ts/local`). */
  trustedIssuers?: ReadonlyArray<{ issuer: string; audience: string; hmacSecret?: string; publicKey?: string; principals?: Record<string, string> }>;
  streamLifetimeMs?: number;
  closeSignalDurationMs?: number;
  commit?: { maxRows?: number; maxBytes?: number; maxDelayMs?: number };
}

interface LocalModule {
  startLocalService(options: LocalServiceStartOptions & { port: 0; dataDir: string }): Promise<LocalServiceHandle>;
  readTable(dir: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** The table every fault test writes to: numbered records (`id`) with a padding column. */
export const FAULT_TABLE = "main.default.faults";

/** A started local service with {@link FAULT_TABLE} created in a fresh temp directory. */
export interface LocalZerobus {
  readonly service: LocalServiceHandle;
  /** Rows per record id in the Delta table, read from disk now. */
  rowCounts(): Promise<Map<number, number>>;
  /**
   * Opens a JSON stream on {@link FAULT_TABLE} through `endpoint` (default: the service itself; pass a
   * fault proxy's) whose headers provider issues a fresh token per connection attempt and, on every
   * reconnect attempt, notes a fault in `tracker` with the stream's unacknowledged records. Those are
   * exactly the records the stream may resend — so exactly the ones allowed to be stored twice.
   * `onReconnect` runs on each reconnect attempt too, after the note. After `sdk.recreateStream`, pass
   * the new stream to `follow`: the provider is shared with it, and must look at the stream it serves.
   */
  openStream(
    tracker: DeliveryTracker,
    options?: object,
    endpoint?: string,
    onReconnect?: () => void,
  ): Promise<{ sdk: ZerobusSdk; stream: ZerobusStream; follow(next: ZerobusStream): void }>;
  /** Stops the service and deletes its data directory. */
  close(): Promise<void>;
}

const MODULE_NAME = "@zerobus-ts/local";
let loaded: Promise<LocalModule> | undefined;

/** Loads `@zerobus-ts/local` once (see the module comment for why by name). */
export function loadLocalModule(): Promise<LocalModule> {
  const specifier: string = MODULE_NAME;
  loaded ??= import(specifier) as Promise<LocalModule>;
  return loaded;
}

/** Starts the local service on ephemeral ports and creates {@link FAULT_TABLE}. */
export async function startLocalZerobus(options: LocalServiceStartOptions = {}): Promise<LocalZerobus> {
  const local = await loadLocalModule();
  const dataDir = await mkdtemp(join(tmpdir(), "zerobus-faults-"));
  // A short commit delay keeps acks prompt; every test can still override it.
  const service = await local.startLocalService({ ...options, port: 0, dataDir, commit: { maxDelayMs: 2, ...options.commit } });
  await service.createTable(FAULT_TABLE, "id BIGINT NOT NULL, pad STRING");
  const tableDir = join(dataDir, ...FAULT_TABLE.split("."));
  return {
    service,
    async rowCounts() {
      const { rows } = await local.readTable(tableDir);
      const counts = new Map<number, number>();
      for (const row of rows) {
        const id = Number(row.id as bigint);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    async openStream(tracker, options = {}, endpoint = service.serverEndpoint, onReconnect) {
      const sdk = new ZerobusSdk(endpoint, service.workspaceUrl);
      let stream: ZerobusStream | undefined;
      const headers = (): Array<[string, string]> => {
        if (stream) {
          tracker.noteFault(unackedIds(stream));
          onReconnect?.();
        }
        return [
          ["authorization", `Bearer ${service.issueToken({ scopes: [FAULT_TABLE] })}`],
          ["x-databricks-zerobus-table-name", FAULT_TABLE],
        ];
      };
      stream = await sdk.createStream(new TableProperties(FAULT_TABLE), "", "", { recordType: RecordType.JSON, ...options }, headers);
      return { sdk, stream, follow: (next) => void (stream = next) };
    },
    async close() {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
