/**
 * A headers provider for service-principal credentials: a fresh OAuth token per call (PROTOCOL.md §3.3),
 * sent with the table name.
 */
import { NonRetriableException } from "../errors.js";
import type { HeaderPairs, HeadersProvider } from "./headers-provider.js";
import { TABLE_NAME_HEADER } from "./headers-provider.js";
import { fetchOAuthToken } from "./oauth-token.js";

/** What an {@link OAuthHeadersProvider} needs to request tokens. */
export interface OAuthHeadersProviderOptions {
  /** The service principal's OAuth client id. */
  clientId: string;
  /** The service principal's OAuth client secret. */
  clientSecret: string;
  /** The three-part table tokens are scoped to, also sent as `x-databricks-zerobus-table-name`. */
  tableName: string;
  /** The workspace (Unity Catalog) URL; tokens come from `{workspaceUrl}/oidc/v1/token`. */
  workspaceUrl: string;
  /** The workspace id, as derived from the Zerobus endpoint (see `workspaceIdFromEndpoint`). */
  workspaceId: string;
  /** PEM root certificate(s) to trust for an `https://` workspace URL instead of the system's. */
  rootCertificates?: Buffer | string | undefined;
}

/** Per-call options of {@link OAuthHeadersProvider.getHeaders}. */
export interface GetHeadersOptions {
  /** Aborts the token request. */
  signal?: AbortSignal | undefined;
}

type ResolvedOptions = Omit<OAuthHeadersProviderOptions, "workspaceId"> & { workspaceId: string | undefined };

/**
 * Supplies `authorization: Bearer <token>` and `x-databricks-zerobus-table-name` from a service principal's
 * client id and secret. Every {@link OAuthHeadersProvider.getHeaders} call requests a new token (passed to
 * `createStream` as a headers provider it is called on every connection attempt, uncached); streams opened
 * with the client id and secret themselves share the `ZerobusSdk`'s token cache instead.
 *
 * Three ways to construct it, so code written for either official SDK keeps working:
 * - an options object (preferred): `new OAuthHeadersProvider({ clientId, clientSecret, tableName, workspaceUrl, workspaceId })`;
 * - five strings in the Python SDK's order: `(workspaceId, workspaceUrl, tableName, clientId, clientSecret)`;
 * - four strings in the official TypeScript SDK's order: `(clientId, clientSecret, tableName, workspaceUrl)`.
 *   That form has no workspace id, which the token request needs, and the id cannot be derived from the
 *   workspace URL; its `getHeaders()` therefore rejects, as the official class's does, with a message
 *   pointing at the options object.
 *
 * The secret is kept in a private field, so it does not show when the provider is logged.
 */
export class OAuthHeadersProvider implements HeadersProvider {
  readonly #options: ResolvedOptions;

  /** Creates a provider from an options object. */
  constructor(options: OAuthHeadersProviderOptions);
  /** Creates a provider from positional arguments in the Python SDK's order. */
  constructor(workspaceId: string, workspaceUrl: string, tableName: string, clientId: string, clientSecret: string);
  /** Creates a provider from positional arguments in the official TypeScript SDK's order (no workspace id). */
  constructor(clientId: string, clientSecret: string, tableName: string, workspaceUrl: string);
  constructor(...args: unknown[]) {
    this.#options = resolveArguments(args);
  }

  /** The table this provider's tokens are scoped to. */
  get tableName(): string {
    return this.#options.tableName;
  }

  /**
   * Requests a new token and returns the call headers. Rejects as `fetchOAuthToken` does: retriable
   * for network failures and server errors, non-retriable for rejected credentials or a bad table name.
   */
  async getHeaders(options: GetHeadersOptions = {}): Promise<HeaderPairs> {
    const { workspaceId, ...rest } = this.#options;
    if (workspaceId === undefined) {
      throw new NonRetriableException(
        "OAuthHeadersProvider was created without a workspace id (clientId, clientSecret, tableName, workspaceUrl); " +
          "construct it with an options object that includes workspaceId",
      );
    }
    const token = await fetchOAuthToken({ ...rest, workspaceId, signal: options.signal });
    return [
      ["authorization", `Bearer ${token}`],
      [TABLE_NAME_HEADER, rest.tableName],
    ];
  }
}

const OPTION_FIELDS = ["clientId", "clientSecret", "tableName", "workspaceUrl", "workspaceId"] as const;

function resolveArguments(args: unknown[]): ResolvedOptions {
  const [first] = args;
  if (args.length === 1 && first !== null && typeof first === "object") {
    const options = first as Record<string, unknown>;
    for (const field of OPTION_FIELDS) requireString(options[field], field);
    return pick(options as unknown as OAuthHeadersProviderOptions);
  }
  if (args.length === 5) {
    const names = ["workspaceId", "workspaceUrl", "tableName", "clientId", "clientSecret"] as const;
    names.forEach((name, i) => requireString(args[i], name));
    const [workspaceId, workspaceUrl, tableName, clientId, clientSecret] = args as string[];
    return { clientId, clientSecret, tableName, workspaceUrl, workspaceId };
  }
  if (args.length === 4) {
    const names = ["clientId", "clientSecret", "tableName", "workspaceUrl"] as const;
    names.forEach((name, i) => requireString(args[i], name));
    const [clientId, clientSecret, tableName, workspaceUrl] = args as string[];
    return { clientId, clientSecret, tableName, workspaceUrl, workspaceId: undefined };
  }
  throw new NonRetriableException(
    `OAuthHeadersProvider expects an options object, 5 strings (workspaceId, workspaceUrl, tableName, clientId, clientSecret) ` +
      `or 4 strings (clientId, clientSecret, tableName, workspaceUrl); got ${args.length} argument(s)`,
  );
}

/** Copies only the known fields, so a caller mutating its options object later changes nothing. */
function pick(options: OAuthHeadersProviderOptions): ResolvedOptions {
  const { clientId, clientSecret, tableName, workspaceUrl, workspaceId, rootCertificates } = options;
  return { clientId, clientSecret, tableName, workspaceUrl, workspaceId, ...(rootCertificates === undefined ? {} : { rootCertificates }) };
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== "string") {
    throw new NonRetriableException(`OAuthHeadersProvider: ${name} must be a string, got ${value === null ? "null" : typeof value}`);
  }
}
