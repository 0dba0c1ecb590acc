/**
 * The OAuth client-credentials requests that turn a service principal's id and secret into a token: the
 * Zerobus write token scoped to one table (PROTOCOL.md §3.1), and the plain workspace token the schema
 * generators use for the Unity Catalog REST API (§11.2). Both follow the Rust engine's split between
 * failures worth retrying and failures that never heal.
 */
import { NonRetriableException, ZerobusException } from "../errors.js";
import { describeTransportError, sendHttpRequest } from "../transport/http-request.js";
import { authorizationDetails } from "./authorization-details.js";
import type { TokenGrant } from "./token-cache.js";

/** What {@link fetchWorkspaceToken} needs: the workspace and the service principal's credentials. */
export interface WorkspaceTokenRequest {
  /**
   * The workspace (Unity Catalog) URL, e.g. `https://my-workspace.cloud.databricks.com`. The token URL is
   * this URL followed by `/oidc/v1/token`.
   */
  workspaceUrl: string;
  /** The service principal's OAuth client id. */
  clientId: string;
  /** The service principal's OAuth client secret. Never included in any error message. */
  clientSecret: string;
  /**
   * PEM root certificate(s) to trust for an `https://` workspace URL instead of the system's: a private CA,
   * or the certificate of a local service started with `--tls-cert`. Same meaning as
   * `ZerobusSdkOptions.rootCertificates`.
   */
  rootCertificates?: Buffer | string | undefined;
  /** Aborts the request; an aborted request rejects with a retriable {@link ZerobusException}. */
  signal?: AbortSignal | undefined;
}

/** What {@link fetchOAuthToken} needs to request a write token for one table. */
export interface OAuthTokenRequest extends WorkspaceTokenRequest {
  /** The three-part table the token is scoped to: `catalog.schema.table`. */
  tableName: string;
  /** The workspace id, as derived from the Zerobus endpoint (see `workspaceIdFromEndpoint`). */
  workspaceId: string;
}

/** How much of an error response body goes into an error message. */
const MAX_BODY_CHARS = 512;

/** Secrets shorter than this are not scrubbed from messages: doing so would garble them for no gain. */
const MIN_REDACTED_LENGTH = 4;

/**
 * Requests a fresh OAuth token for writing to one table. This function never caches; streams opened with
 * client credentials get their tokens through the `ZerobusSdk`'s token cache (`tokenCacheEnabled`).
 *
 * The request is `POST {workspaceUrl}/oidc/v1/token` with HTTP Basic client authentication (the raw
 * `clientId:clientSecret`, as the Rust engine sends it) and a form body of `grant_type`, `scope`,
 * `resource` and `authorization_details`. The workspace URL is used as a prefix verbatim except that ONE
 * trailing slash is dropped: the official SDKs would request `//oidc/v1/token`, which some servers route
 * differently, and a copied URL often ends in a slash. Each `authorization_details` entry carries
 * `"operations": ["zerobuswrite"]`, as the newest official client sends (see `authorizationDetails`).
 *
 * Failures follow the Rust engine: network and TLS errors, aborts and HTTP 5xx reject with a retriable
 * {@link ZerobusException} ("Token fetch failed: …"); a bad table name or URL, any other non-success status
 * (with the status and the start of the body), a body that is not JSON, or a missing `access_token` reject
 * with {@link NonRetriableException}. The client secret is scrubbed from every message.
 */
export async function fetchOAuthToken(request: OAuthTokenRequest): Promise<string> {
  return (await fetchOAuthTokenGrant(request)).accessToken;
}

/** {@link fetchOAuthToken}, keeping the answer's `expires_in` for the token cache. */
export async function fetchOAuthTokenGrant(request: OAuthTokenRequest): Promise<TokenGrant> {
  checkRequestFields(request, ["workspaceUrl", "clientId", "clientSecret", "workspaceId"]);
  if (request.workspaceId === "") {
    throw new NonRetriableException("OAuth token request: workspaceId must not be empty");
  }
  return requestToken(request, zerobusTokenScope(request.workspaceId, request.tableName));
}

/** The form fields that scope a token to writing one table through Zerobus (PROTOCOL.md §3.1). */
export function zerobusTokenScope(workspaceId: string, tableName: string): Record<string, string> {
  return {
    resource: `api://databricks/workspaces/${workspaceId}/zerobusDirectWriteApi`,
    authorization_details: JSON.stringify(authorizationDetails(tableName)),
  };
}

/**
 * Requests a plain workspace token (`scope=all-apis`, no `resource`, no `authorization_details`), as the
 * official schema generators do before reading a table's columns from the Unity Catalog REST API
 * (PROTOCOL.md §11.2). Such a token carries the principal's own privileges, so it can read catalogs and
 * create tables; it is not what a Zerobus stream sends (see {@link fetchOAuthToken}).
 *
 * Same request shape, URL rule and failure classes as {@link fetchOAuthToken}.
 */
export async function fetchWorkspaceToken(request: WorkspaceTokenRequest): Promise<string> {
  checkRequestFields(request, ["workspaceUrl", "clientId", "clientSecret"]);
  return (await requestToken(request, {})).accessToken;
}

/** The client-credentials POST shared by both token kinds; `form` adds to `grant_type` and `scope`. */
function requestToken(request: WorkspaceTokenRequest, form: Record<string, string>): Promise<TokenGrant> {
  const credentials = Buffer.from(`${request.clientId}:${request.clientSecret}`, "utf8").toString("base64");
  return postTokenRequest({
    workspaceUrl: request.workspaceUrl,
    authorization: `Basic ${credentials}`,
    form: { grant_type: "client_credentials", scope: "all-apis", ...form },
    secrets: [request.clientSecret, credentials],
    rootCertificates: request.rootCertificates,
    signal: request.signal,
  });
}

/** One form POST to `{workspaceUrl}/oidc/v1/token`, for every grant type. */
export interface TokenPost {
  workspaceUrl: string;
  /** The `authorization` header, if the grant authenticates the client (client credentials do). */
  authorization?: string | undefined;
  form: Record<string, string>;
  /** Text scrubbed from every error message (a server may echo credentials back in its body). */
  secrets: readonly string[];
  rootCertificates?: Buffer | string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Sends a token request and classifies the answer: network errors, aborts and 5xx are retriable, other
 * non-success statuses, a body that is not JSON and a missing `access_token` are not. `expires_in` is
 * read as a number or a quoted integer.
 */
export async function postTokenRequest(post: TokenPost): Promise<TokenGrant> {
  const url = tokenUrl(post.workspaceUrl);
  const redact = createRedactor([...post.secrets]);
  const { signal } = post;
  if (signal?.aborted) throw abortError(signal);
  let status: number;
  let text: string;
  try {
    ({ status, text } = await sendHttpRequest({
      method: "POST",
      url,
      headers: {
        ...(post.authorization === undefined ? {} : { authorization: post.authorization }),
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams(post.form).toString(),
      rootCertificates: post.rootCertificates,
      signal,
    }));
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw new ZerobusException(redact(`Token fetch failed: Network error: ${describeTransportError(err)}`), { cause: err });
  }
  return tokenFromResponse(status, text, redact);
}

function checkRequestFields<F extends keyof OAuthTokenRequest>(request: Pick<OAuthTokenRequest, F>, fields: readonly F[]): void {
  if (request === null || typeof request !== "object") {
    throw new NonRetriableException("OAuth token request must be an object");
  }
  for (const field of fields) {
    if (typeof request[field] !== "string") {
      throw new NonRetriableException(`OAuth token request: ${field} must be a string, got ${typeof request[field]}`);
    }
  }
  const roots: unknown = (request as { rootCertificates?: unknown }).rootCertificates;
  if (roots !== undefined && typeof roots !== "string" && !Buffer.isBuffer(roots)) {
    throw new NonRetriableException(`OAuth token request: rootCertificates must be a Buffer or a string, got ${typeof roots}`);
  }
}

/** `{workspaceUrl}/oidc/v1/token`, after dropping one trailing slash; rejects anything but http(s) URLs. */
function tokenUrl(workspaceUrl: string): URL {
  const base = workspaceUrl.endsWith("/") ? workspaceUrl.slice(0, -1) : workspaceUrl;
  let url: URL;
  try {
    url = new URL(`${base}/oidc/v1/token`);
  } catch {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' must use https:// or http://`);
  }
  return url;
}

/** Classifies the token endpoint's answer and pulls the token out of a successful one. */
function tokenFromResponse(status: number, text: string, redact: (message: string) => string): TokenGrant {
  if (status >= 500) {
    throw new ZerobusException(redact(`Token fetch failed: Unity Catalog server error (${status}): ${truncate(text)}`));
  }
  if (status < 200 || status >= 300) {
    throw new NonRetriableException(redact(`Token request rejected: Client error (${status}): ${truncate(text)}`));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new NonRetriableException(redact(`Invalid token response: Parse failed with error: ${reason}`), { cause: err });
  }
  const body = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  const token = body["access_token"];
  if (typeof token !== "string" || token === "") {
    throw new NonRetriableException("Invalid token response: access_token missing");
  }
  return { accessToken: token, expiresInSeconds: parseExpiresIn(body["expires_in"]) };
}

/** `expires_in` as the official core reads it: a non-negative number, or a quoted integer. */
function parseExpiresIn(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\d{1,12}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function abortError(signal: AbortSignal): ZerobusException {
  return new ZerobusException("Token fetch failed: request aborted", { cause: signal.reason });
}

function truncate(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_BODY_CHARS) return trimmed;
  return `${trimmed.slice(0, MAX_BODY_CHARS)}… (${trimmed.length - MAX_BODY_CHARS} more characters)`;
}

/** A function that replaces each secret in a message; a server may echo credentials back in its body. */
function createRedactor(secrets: string[]): (message: string) => string {
  const scrubbed = secrets.filter((secret) => secret.length >= MIN_REDACTED_LENGTH);
  return (message) => scrubbed.reduce((text, secret) => text.split(secret).join("[REDACTED]"), message);
}
