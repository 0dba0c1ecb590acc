/**
 * Options of `startLocalService`, their defaults, and their validation.
 */
import { resolve as resolvePath } from "node:path";
import type { TrustedIssuer } from "../auth/token-exchange.js";
import type { AdmissionLimits } from "./admission-control.js";
import type { Grants } from "../auth/grants.js";

/** Inputs of `startLocalService`. Every field is optional. */
export interface LocalServiceOptions {
  /** Where tables live (`<dataDir>/<catalog>/<schema>/<table>/`). Default `./.zerobus`. */
  dataDir?: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** gRPC (Zerobus) port. Default 50051. */
  grpcPort?: number;
  /** HTTP port: OAuth token endpoint, Unity Catalog REST subset, /health. Default 8080. */
  httpPort?: number;
  /** `0` makes every port ephemeral (overrides `grpcPort` and `httpPort`); what tests use. */
  port?: 0;
  /** Serve TLS on both ports with this PEM certificate and key. Default: plaintext. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Accept any caller: no token checks on gRPC or REST, any client credentials at the token endpoint. */
  noAuth?: boolean;
  /** OAuth principals, client id → secret. Default: one generated development principal. */
  principals?: Record<string, string>;
  /**
   * Unity Catalog privileges per principal, client id → `Grants` (securable → privileges), e.g.
   * `{ "ingest-bot": { "main": ["USE_CATALOG"], "main.default": ["USE_SCHEMA"], "main.default.events": ["SELECT", "MODIFY"] } }`.
   * Securables are `"*"` (every catalog), `catalog`, `catalog.schema` or `catalog.schema.table`; grants
   * inherit downward. A principal not named here holds nothing; every key must be a principal.
   * Default (no `grants`): **every principal holds every privilege** (`ALL_PRIVILEGES` and `MANAGE` on `*`).
   * Tokens carry at most what their principal holds; REST calls need the privileges the README lists.
   */
  grants?: Record<string, Grants>;
  /**
   * End a call that sends no request (no `create_stream`) within this many milliseconds of its start,
   * with DEADLINE_EXCEEDED (Error Code 4008). Default 30,000.
   */
  createStreamTimeoutMs?: number;
  /**
   * Calls one principal (client id) may hold open at once; one more is refused with RESOURCE_EXHAUSTED
   * (Error Code 4290), which the SDKs retry with backoff. With `noAuth` every caller counts as one
   * principal. Default 1,000.
   */
  maxCallsPerPrincipal?: number;
  /** Lifetime of issued tokens, in seconds. Default 3600. */
  tokenTtlSeconds?: number;
  /**
   * Identity providers whose JWTs the token endpoint exchanges for tokens (RFC 8693 token exchange, the
   * SDKs' federated authentication): per issuer an HMAC secret or a public key, the audience, and how
   * claims map to a principal (see `TrustedIssuer`). Default: none (token exchange is refused).
   */
  trustedIssuers?: TrustedIssuer[];
  /** Announce a close (CloseStreamSignal, then UNAVAILABLE 6002) this long after each stream opens. Default: never. */
  streamLifetimeMs?: number;
  /** The duration a lifetime CloseStreamSignal announces before the call ends. Default 2000. */
  closeSignalDurationMs?: number;
  /** Group commit: flush after this many rows / bytes / milliseconds (see `DeltaTableWriter`). */
  commit?: { maxRows?: number; maxBytes?: number; maxDelayMs?: number };
  /**
   * Memory bounds: request bytes (as sent) and records received but not yet committed, per call, per
   * table and in total. A request waits (its call stops reading, so HTTP/2 flow control slows the
   * client) until it fits; one that exceeds a limit on its own is refused with RESOURCE_EXHAUSTED.
   * Defaults in `DEFAULT_LIMITS`.
   */
  limits?: Partial<AdmissionLimits>;
}

/** `LocalServiceOptions` with every default applied. */
export interface ResolvedLocalServiceOptions {
  dataDir: string;
  host: string;
  grpcPort: number;
  httpPort: number;
  tls: { cert: string | Buffer; key: string | Buffer } | undefined;
  noAuth: boolean;
  principals: Record<string, string> | undefined;
  grants: Record<string, Grants> | undefined;
  createStreamTimeoutMs: number;
  maxCallsPerPrincipal: number;
  tokenTtlSeconds: number;
  trustedIssuers: TrustedIssuer[];
  streamLifetimeMs: number | undefined;
  closeSignalDurationMs: number;
  commit: { maxRows?: number; maxBytes?: number; maxDelayMs?: number };
  limits: AdmissionLimits;
}

/** The documented defaults. */
export const DEFAULT_LOCAL_SERVICE_OPTIONS = Object.freeze({
  dataDir: "./.zerobus",
  host: "127.0.0.1",
  grpcPort: 50051,
  httpPort: 8080,
  tokenTtlSeconds: 3600,
  closeSignalDurationMs: 2000,
  createStreamTimeoutMs: 30_000,
  maxCallsPerPrincipal: 1000,
});

/**
 * The default memory bounds. A big request's records cost the service roughly 50–100 bytes each from
 * their decoding until their commit, so 6 M records in flight is a few hundred MB: two 10 MB batches
 * of 2.5 M tiny records at a time, or hundreds of ordinary requests. A request of more than 3 M
 * records is refused.
 */
export const DEFAULT_LIMITS: Readonly<AdmissionLimits> = Object.freeze({
  callBytes: 32 * 1024 * 1024,
  callRecords: 3_000_000,
  tableBytes: 64 * 1024 * 1024,
  tableRecords: 6_000_000,
  totalBytes: 128 * 1024 * 1024,
  totalRecords: 6_000_000,
});

/** Applies defaults and validates, naming the option at fault in a `RangeError`. */
export function resolveLocalServiceOptions(options: LocalServiceOptions = {}): ResolvedLocalServiceOptions {
  const d = DEFAULT_LOCAL_SERVICE_OPTIONS;
  if (options.port !== undefined && options.port !== 0) throw new RangeError(`port may only be 0 (all ports ephemeral), got ${options.port}`);
  const ephemeral = options.port === 0;
  const resolved: ResolvedLocalServiceOptions = {
    dataDir: resolvePath(options.dataDir ?? d.dataDir),
    host: options.host ?? d.host,
    grpcPort: ephemeral ? 0 : (options.grpcPort ?? d.grpcPort),
    httpPort: ephemeral ? 0 : (options.httpPort ?? d.httpPort),
    tls: options.tls,
    noAuth: options.noAuth ?? false,
    principals: options.principals,
    grants: options.grants,
    createStreamTimeoutMs: options.createStreamTimeoutMs ?? d.createStreamTimeoutMs,
    maxCallsPerPrincipal: options.maxCallsPerPrincipal ?? d.maxCallsPerPrincipal,
    tokenTtlSeconds: options.tokenTtlSeconds ?? d.tokenTtlSeconds,
    trustedIssuers: [...(options.trustedIssuers ?? [])],
    streamLifetimeMs: options.streamLifetimeMs,
    closeSignalDurationMs: options.closeSignalDurationMs ?? d.closeSignalDurationMs,
    commit: { ...options.commit },
    limits: resolveLimits(options.limits),
  };
  for (const key of ["grpcPort", "httpPort"] as const) {
    const port = resolved[key];
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${key} must be an integer from 0 to 65535, got ${port}`);
  }
  if (!Number.isInteger(resolved.tokenTtlSeconds) || resolved.tokenTtlSeconds <= 0) {
    throw new RangeError(`tokenTtlSeconds must be a positive integer, got ${resolved.tokenTtlSeconds}`);
  }
  if (resolved.streamLifetimeMs !== undefined && (!Number.isFinite(resolved.streamLifetimeMs) || resolved.streamLifetimeMs <= 0)) {
    throw new RangeError(`streamLifetimeMs must be a positive number, got ${resolved.streamLifetimeMs}`);
  }
  if (!Number.isFinite(resolved.createStreamTimeoutMs) || resolved.createStreamTimeoutMs <= 0) {
    throw new RangeError(`createStreamTimeoutMs must be a positive number, got ${resolved.createStreamTimeoutMs}`);
  }
  if (!Number.isSafeInteger(resolved.maxCallsPerPrincipal) || resolved.maxCallsPerPrincipal <= 0) {
    throw new RangeError(`maxCallsPerPrincipal must be a positive integer, got ${resolved.maxCallsPerPrincipal}`);
  }
  if (!Number.isFinite(resolved.closeSignalDurationMs) || resolved.closeSignalDurationMs < 0) {
    throw new RangeError(`closeSignalDurationMs must be a non-negative number, got ${resolved.closeSignalDurationMs}`);
  }
  if (resolved.tls !== undefined && (!resolved.tls.cert || !resolved.tls.key)) throw new RangeError("tls needs both cert and key");
  return resolved;
}

function resolveLimits(limits: Partial<AdmissionLimits> = {}): AdmissionLimits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof AdmissionLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`limits.${key} must be a positive integer, got ${value}`);
    resolved[key] = value;
  }
  return resolved;
}
