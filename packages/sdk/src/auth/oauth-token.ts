/**
 * The OAuth client-credentials request that turns a service principal's id and secret into a Zerobus
 * write token (PROTOCOL.md §3.1), with the Rust engine's split between failures worth retrying and
 * failures that never heal.
 */
import { NonRetriableException, ZerobusException } from "../errors.js";
import { authorizationDetails } from "./authorization-details.js";

/** What {@link fetchOAuthToken} needs to request a token. */
export interface OAuthTokenRequest {
  /**
   * The workspace (Unity Catalog) URL, e.g. `https://my-workspace.cloud.databricks.com`. The token URL is
   * this URL followed by `/oidc/v1/token`.
   */
  workspaceUrl: string;
  /** The service principal's OAuth client id. */
  clientId: string;
  /** The service principal's OAuth client secret. Never included in any error message. */
  clientSecret: string;
  /** The three-part table the token is scoped to: `catalog.schema.table`. */
  tableName: string;
  /** The workspace id, as derived from the Zerobus endpoint (see `workspaceIdFromEndpoint`). */
  workspaceId: string;
  /** Aborts the request; an aborted request rejects with a retriable {@link ZerobusException}. */
  signal?: AbortSignal | undefined;
}

/** How much of an error response body goes into an error message. */
const MAX_BODY_CHARS = 512;

/** Secrets shorter than this are not scrubbed from messages: doing so would garble them for no gain. */
const MIN_REDACTED_LENGTH = 4;

/**
 * Requests a fresh OAuth token for writing to one table. No caching: the official SDKs fetch a token on
 * every connection attempt, and so do we.
 *
 * The request is `POST {workspaceUrl}/oidc/v1/token` with HTTP Basic client authentication (the raw
 * `clientId:clientSecret`, as the Rust engine sends it) and a form body of `grant_type`, `scope`,
 * `resource` and `authorization_details`. The workspace URL is used as a prefix verbatim except that ONE
 * trailing slash is dropped: the official SDKs would request `//oidc/v1/token`, which some servers route
 * differently, and a copied URL often ends in a slash. Each `authorization_details` entry carries
 * `"operations": ["zerobuswrite"]`, as the newest official client sends (see `authorizationDetails`).
 *
 * Failures follow the Rust engine: network errors, aborts and HTTP 5xx reject with a retriable
 * {@link ZerobusException} ("Token fetch failed: …"); a bad table name or URL, any other non-success status
 * (with the status and the start of the body), a body that is not JSON, or a missing `access_token` reject
 * with {@link NonRetriableException}. The client secret is scrubbed from every message.
 */
export async function fetchOAuthToken(request: OAuthTokenRequest): Promise<string> {
  checkRequestFields(request);
  const details = authorizationDetails(request.tableName);
  const url = tokenUrl(request.workspaceUrl);
  const credentials = Buffer.from(`${request.clientId}:${request.clientSecret}`, "utf8").toString("base64");
  const redact = createRedactor([request.clientSecret, credentials]);
  const { signal } = request;
  if (signal?.aborted) throw abortError(signal);

  const body = new URLSearchParams({
    grant_type: "client_credentials",
    scope: "all-apis",
    resource: `api://databricks/workspaces/${request.workspaceId}/zerobusDirectWriteApi`,
    authorization_details: JSON.stringify(details),
  });
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${credentials}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: body.toString(),
      ...(signal === undefined ? {} : { signal }),
    });
    status = response.status;
    text = await response.text();
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw new ZerobusException(redact(`Token fetch failed: Network error: ${describeNetworkError(err)}`), { cause: err });
  }
  return tokenFromResponse(status, text, redact);
}

function checkRequestFields(request: OAuthTokenRequest): void {
  if (request === null || typeof request !== "object") {
    throw new NonRetriableException("OAuth token request must be an object");
  }
  for (const field of ["workspaceUrl", "clientId", "clientSecret", "workspaceId"] as const) {
    if (typeof request[field] !== "string") {
      throw new NonRetriableException(`OAuth token request: ${field} must be a string, got ${typeof request[field]}`);
    }
  }
  if (request.workspaceId === "") {
    throw new NonRetriableException("OAuth token request: workspaceId must not be empty");
  }
}

/** `{workspaceUrl}/oidc/v1/token`, after dropping one trailing slash; rejects URLs fetch cannot use. */
function tokenUrl(workspaceUrl: string): string {
  const base = workspaceUrl.endsWith("/") ? workspaceUrl.slice(0, -1) : workspaceUrl;
  const url = `${base}/oidc/v1/token`;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' is not a URL`);
  }
  if (protocol !== "https:" && protocol !== "http:") {
    throw new NonRetriableException(`Specified UC endpoint is in invalid format: '${workspaceUrl}' must use https:// or http://`);
  }
  return url;
}

/** Classifies the token endpoint's answer and pulls the token out of a successful one. */
function tokenFromResponse(status: number, text: string, redact: (message: string) => string): string {
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
  const token = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>)["access_token"] : undefined;
  if (typeof token !== "string" || token === "") {
    throw new NonRetriableException("Invalid token response: access_token missing");
  }
  return token;
}

function abortError(signal: AbortSignal): ZerobusException {
  return new ZerobusException("Token fetch failed: request aborted", { cause: signal.reason });
}

/**
 * Node's fetch reports every transport failure as `TypeError: fetch failed` and puts the useful part
 * (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`, sometimes as an AggregateError with an empty message.
 */
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (!(cause instanceof Error)) return err.message;
  const code = (cause as { code?: unknown }).code;
  const detail = cause.message !== "" ? cause.message : typeof code === "string" ? code : cause.name;
  return `${err.message}: ${detail}`;
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
