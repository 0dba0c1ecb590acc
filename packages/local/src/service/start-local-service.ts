/**
 * `startLocalService`: the whole local Zerobus service in-process — the gRPC port (EphemeralStream),
 * the HTTP port (OAuth token endpoint, Unity Catalog REST subset, /health) and the Delta tables on disk.
 */
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPrincipalSet } from "../auth/principals.js";
import { createTokenExchanger } from "../auth/token-exchange.js";
import { ALL_GRANTS, createGrantSet } from "../auth/grants.js";
import { createTokenAuthority } from "../auth/token-authority.js";
import { scopeGrants, streamRequest } from "../auth/token-grants.js";
import { parseTableName } from "../catalog/table-name.js";
import { TableStore, type TableInfo } from "../catalog/table-store.js";
import { parseColumnList, parseSqlType } from "../schema/parse-sql-type.js";
import type { DeltaField } from "../schema/delta-type.js";
import { advertisedHost } from "./advertised-host.js";
import { startGrpcFront, type GrpcFront } from "./grpc-front.js";
import { createHttpFront } from "./http-front.js";
import { AdmissionControl } from "./admission-control.js";
import { releaseDataDir, removeLeftoverFiles } from "./leftover-files.js";
import { resolveLocalServiceOptions, type LocalServiceOptions } from "./local-service-options.js";
import type { ServiceCall } from "./service-call.js";
import { FaultState, type ServiceFaults } from "./service-faults.js";
import { TableWriters } from "./table-writers.js";
import { callStatus, ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** One column for `LocalService.createTable`: a name and a SQL type such as `bigint` or `array<string>`. */
export interface ColumnSpec {
  name: string;
  type: string;
  /** Default true. */
  nullable?: boolean;
}

/** A running local service. */
export interface LocalService {
  /** The Zerobus endpoint for SDKs, e.g. `http://127.0.0.1:50051` (`https://localhost:50051` with TLS). */
  serverEndpoint: string;
  /** The workspace / Unity Catalog URL for SDKs, e.g. `http://127.0.0.1:8080`. */
  workspaceUrl: string;
  /** The advertised OAuth client id (the first configured principal, or the generated dev one). */
  clientId: string;
  /** Its secret. */
  clientSecret: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  /**
   * Creates a table from a SQL column list (`"id BIGINT NOT NULL, name STRING"`) or column specs.
   * Rejects with a `SchemaError` for bad types or names, `TableExistsError` when it exists.
   */
  createTable(fullName: string, columns: string | readonly ColumnSpec[]): Promise<TableInfo>;
  /**
   * Issues a token as the token endpoint would for an SDK streaming into `scopes` (full table names):
   * USE_CATALOG, USE_SCHEMA, SELECT and MODIFY, as far as the principal holds them. For
   * tests: `ttlSeconds` may be zero or negative to get an expired token. Default lifetime: the
   * service's `tokenTtlSeconds`.
   */
  issueToken(options: { scopes: readonly string[]; clientId?: string; ttlSeconds?: number }): string;
  /** Fault injection for client tests. */
  faults: ServiceFaults;
  /** Ends every stream with UNAVAILABLE, flushes pending commits and stops both ports. Idempotent. */
  close(): Promise<void>;
}

/** Starts the local service. See `LocalServiceOptions` for the defaults (ports 50051 and 8080). */
export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const o = resolveLocalServiceOptions(options);
  await mkdir(o.dataDir, { recursive: true });
  const authority = createTokenAuthority();
  const principals = createPrincipalSet(o.principals, o.grants);
  // Before anything is served: files an earlier, killed run left half-written (leftover-files.ts).
  await removeLeftoverFiles(o.dataDir, Date.now());
  const store = new TableStore(o.dataDir);
  const writers = new TableWriters(o.commit);
  const faults = new FaultState();
  const calls = new Set<ServiceCall>();

  const grpc: GrpcFront = await startGrpcFront(
    { authority, noAuth: o.noAuth, store, writers, faults, streamLifetimeMs: o.streamLifetimeMs, closeSignalDurationMs: o.closeSignalDurationMs, calls, admission: new AdmissionControl(o.limits) },
    { host: o.host, port: o.grpcPort, tls: o.tls },
    { createStreamTimeoutMs: o.createStreamTimeoutMs, maxCallsPerPrincipal: o.maxCallsPerPrincipal },
  ).catch(async (err: unknown) => {
    await releaseDataDir(o.dataDir);
    throw err;
  });
  const exchange = o.trustedIssuers.length > 0 ? createTokenExchanger(o.trustedIssuers) : undefined;
  const http = createHttpFront({ authority, principals, tokenTtlSeconds: o.tokenTtlSeconds, noAuth: o.noAuth, store, tls: o.tls, exchange });
  let httpPort: number;
  try {
    httpPort = await listen(http, o.host, o.httpPort);
  } catch (err) {
    await grpc.close();
    await releaseDataDir(o.dataDir);
    throw err;
  }

  faults.cutConnections = () => grpc.cutConnections();
  faults.announceClose = (durationMs) => {
    for (const call of [...calls]) call.announceClose(durationMs);
  };
  store.beforeDelete = async (name) => {
    for (const call of [...calls]) {
      if (call.tableName === name.fullName) {
        call.end(callStatus(GrpcStatus.NOT_FOUND, `Table '${name.fullName}' was deleted`, ERROR_CODES.TABLE_NOT_FOUND));
      }
    }
    await writers.release(store.dirOf(name));
  };

  const urlHost = advertisedHost(o.host, o.tls !== undefined);
  const scheme = o.tls === undefined ? "http" : "https";
  let closing: Promise<void> | undefined;
  return {
    serverEndpoint: `${scheme}://${urlHost}:${grpc.port}`,
    workspaceUrl: `${scheme}://${urlHost}:${httpPort}`,
    clientId: principals.primary.clientId,
    clientSecret: principals.primary.clientSecret,
    dataDir: o.dataDir,
    faults,
    createTable: (fullName, columns) => store.create(parseTableName(fullName), toFields(columns)),
    issueToken: ({ scopes, clientId, ttlSeconds }) => {
      const id = clientId ?? principals.primary.clientId;
      const requested = streamRequest(scopes.map((s) => parseTableName(s).fullName));
      const scoped = scopeGrants(requested, o.noAuth ? createGrantSet(ALL_GRANTS) : principals.grantsOf(id));
      return authority.issueToken({ clientId: id, scopes: scoped.scopes, grants: scoped.grants, ttlSeconds: ttlSeconds ?? o.tokenTtlSeconds }).token;
    },
    close() {
      closing ??= (async () => {
        faults.close(); // release stalled acks so streams can finish
        await grpc.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await writers.closeAll();
        await releaseDataDir(o.dataDir);
      })();
      return closing;
    },
  };
}

function toFields(columns: string | readonly ColumnSpec[]): DeltaField[] {
  if (typeof columns === "string") return parseColumnList(columns);
  return columns.map((c) => ({ name: c.name, type: parseSqlType(c.type), nullable: c.nullable ?? true, metadata: {} }));
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
