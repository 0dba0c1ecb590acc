/**
 * Where a stream's call headers come from on each connection attempt: a custom headers provider (called
 * every time, never cached), or an OAuth token for the stream's table — from client credentials or by
 * federated token exchange — served through the SDK's {@link TokenCache} when it is on.
 */
import { createHash } from "node:crypto";
import { NonRetriableException } from "../errors.js";
import { collectStreamHeaders, normalizeHeadersProvider, TABLE_NAME_HEADER, type HeaderPairs } from "./headers-provider.js";
import { fetchOAuthTokenGrant } from "./oauth-token.js";
import { readSubjectToken, type SubjectTokenSupplier } from "./subject-token.js";
import type { TokenCache, TokenFetcher } from "./token-cache.js";
import { exchangeSubjectToken } from "./token-exchange.js";
import { workspaceIdFromEndpoint } from "./workspace-id.js";

/** A stream's headers source. */
export interface StreamCredentials {
  /** Headers for the next connection attempt. */
  getHeaders(signal: AbortSignal): Promise<HeaderPairs>;
  /** Drops a cached token the server refused; returns whether there was one. */
  invalidate(): boolean;
}

/** What every credential kind needs to know about the SDK and the stream. */
export interface CredentialContext {
  readonly tableName: string;
  readonly workspaceUrl: string;
  readonly serverEndpoint: string;
  readonly rootCertificates: Buffer | undefined;
  /** `x-zerobus-sdk`. */
  readonly sdkIdentifier: string;
  /** The SDK's cache, or `undefined` when caching is off (a fresh token per attempt). */
  readonly cache: TokenCache | undefined;
  /** Abandon a stalled refresh after this long (half of `recoveryTimeoutMs`). */
  readonly refreshTimeoutMs: number;
}

/** A custom headers provider: asked on every attempt, nothing cached. */
export function providerCredentials(provider: unknown, context: CredentialContext): StreamCredentials {
  const getHeaders = normalizeHeadersProvider(provider);
  return { getHeaders: () => collectStreamHeaders(getHeaders, context.tableName, context.sdkIdentifier), invalidate: () => false };
}

/** A service principal's client id and secret. */
export function clientCredentials(clientId: unknown, clientSecret: unknown, context: CredentialContext): StreamCredentials {
  if (typeof clientId !== "string" || clientId === "" || typeof clientSecret !== "string" || clientSecret === "") {
    throw new NonRetriableException("createStream: clientId and clientSecret must be non-empty strings (or pass a headers provider)");
  }
  const workspaceId = requireWorkspace(context, "createStream");
  // The secret is part of the key (two secrets of one client are two caches) but only as a hash.
  const secretHash = createHash("sha256").update(clientSecret).digest("base64url");
  const fetch: TokenFetcher = (signal) =>
    fetchOAuthTokenGrant({
      clientId,
      clientSecret,
      tableName: context.tableName,
      workspaceUrl: context.workspaceUrl,
      workspaceId,
      rootCertificates: context.rootCertificates,
      signal,
    });
  return tokenCredentials(`client\0${clientId}\0${secretHash}\0${context.tableName}`, fetch, context);
}

const supplierIds = new WeakMap<SubjectTokenSupplier, number>();
let nextSupplierId = 0;

/** Federated: the supplier's JWT exchanged for a token (RFC 8693), the supplier called for every refresh. */
export function federatedCredentials(supplier: unknown, clientId: unknown, context: CredentialContext): StreamCredentials {
  if (typeof supplier !== "function") {
    throw new NonRetriableException(`createStreamFederated: subjectTokenSupplier must be a function returning a JWT, got ${supplier === null ? "null" : typeof supplier}`);
  }
  if (clientId !== undefined && clientId !== null && typeof clientId !== "string") {
    throw new NonRetriableException(`createStreamFederated: clientId must be a string, got ${typeof clientId}`);
  }
  const workspaceId = requireWorkspace(context, "createStreamFederated");
  const fn = supplier as SubjectTokenSupplier;
  if (!supplierIds.has(fn)) supplierIds.set(fn, nextSupplierId++);
  const fetch: TokenFetcher = async (signal) =>
    exchangeSubjectToken({
      workspaceUrl: context.workspaceUrl,
      workspaceId,
      tableName: context.tableName,
      subject: await readSubjectToken(fn),
      clientId: clientId ?? undefined,
      rootCertificates: context.rootCertificates,
      signal,
    });
  return tokenCredentials(`federated\0${supplierIds.get(fn)}\0${clientId ?? ""}\0${context.tableName}`, fetch, context);
}

function tokenCredentials(key: string, fetch: TokenFetcher, context: CredentialContext): StreamCredentials {
  const { cache, tableName, refreshTimeoutMs } = context;
  const token = cache
    ? (signal: AbortSignal) => cache.get(key, fetch, { signal, refreshTimeoutMs })
    : async (signal: AbortSignal) => (await fetch(signal)).accessToken;
  return {
    getHeaders: (signal) =>
      collectStreamHeaders(
        async (): Promise<HeaderPairs> => [
          ["authorization", `Bearer ${await token(signal)}`],
          [TABLE_NAME_HEADER, tableName],
        ],
        tableName,
        context.sdkIdentifier,
      ),
    invalidate: () => cache?.invalidate(key) ?? false,
  };
}

function requireWorkspace(context: CredentialContext, method: string): string {
  if (context.workspaceUrl === "") throw new NonRetriableException(`${method}: a workspace URL is required for OAuth`);
  return workspaceIdFromEndpoint(context.serverEndpoint);
}
