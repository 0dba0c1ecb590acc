/**
 * `POST /oidc/v1/token`: the OAuth client-credentials endpoint the SDKs call before every connection
 * (PROTOCOL.md §3.1, §12.7). Errors follow OAuth (RFC 6749 §5.2): `{ error, error_description }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../service/http-io.js";
import { AuthorizationDetailsError, parseAuthorizationDetails } from "./authorization-details.js";
import { quote } from "../text/bounded-text.js";
import { ALL_GRANTS, createGrantSet } from "./grants.js";
import type { PrincipalSet } from "./principals.js";
import type { TokenAuthority } from "./token-authority.js";
import { EXCHANGE_DISABLED, TOKEN_EXCHANGE_GRANT_TYPE, type TokenExchanger } from "./token-exchange.js";
import { scopeGrants, type ScopedGrants } from "./token-grants.js";

/** What the token endpoint needs. */
export interface TokenEndpointOptions {
  authority: TokenAuthority;
  principals: PrincipalSet;
  /** Lifetime of issued tokens, in seconds. */
  tokenTtlSeconds: number;
  /** Accept any client credentials (the service runs without authentication). */
  noAuth: boolean;
  /** Token exchange (RFC 8693) for subject JWTs of trusted issuers; without it such requests are refused. */
  exchange?: TokenExchanger | undefined;
}

/** The path the endpoint answers on. */
export const TOKEN_PATH = "/oidc/v1/token";

/** Creates the request handler for `POST /oidc/v1/token`. */
export function createTokenEndpoint(options: TokenEndpointOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== "POST") {
      sendJson(res, 405, { error: "invalid_request", error_description: "use POST" }, { allow: "POST" });
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    // A token exchange authenticates by its subject JWT, not by client credentials (token-exchange.ts).
    const exchanged = form.get("grant_type") === TOKEN_EXCHANGE_GRANT_TYPE ? (options.exchange?.(form) ?? EXCHANGE_DISABLED) : undefined;
    if (exchanged?.ok === false) {
      sendJson(res, exchanged.status, { error: exchanged.error, error_description: exchanged.description });
      return;
    }
    // Without authentication any caller gets a token, even one that sends no credentials at all.
    const credentials = exchanged
      ? { clientId: exchanged.principal, clientSecret: "" }
      : (basicCredentials(req) ?? postedCredentials(form) ?? (options.noAuth ? { clientId: "anonymous", clientSecret: "" } : undefined));
    if (credentials === undefined) {
      sendJson(res, 401, { error: "invalid_client", error_description: "client authentication required (HTTP Basic)" }, { "www-authenticate": 'Basic realm="zerobus-local"' });
      return;
    }
    if (!exchanged && !options.noAuth && !options.principals.check(credentials.clientId, credentials.clientSecret)) {
      sendJson(res, 401, { error: "invalid_client", error_description: `Client authentication failed for client id ${quote(credentials.clientId)}` });
      return;
    }
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials" && !exchanged) {
      sendJson(res, 400, { error: "unsupported_grant_type", error_description: `grant_type must be client_credentials, got ${quote(grantType ?? "")}` });
      return;
    }
    // With authorization_details: a scoped token holding what was asked for and the principal holds.
    // Without: a workspace token acting with the principal's grants (token-grants.ts).
    let scoped: ScopedGrants | undefined;
    const details = form.get("authorization_details");
    if (details !== null && details !== "") {
      try {
        const holder = options.noAuth ? createGrantSet(ALL_GRANTS) : options.principals.grantsOf(credentials.clientId);
        scoped = scopeGrants(parseAuthorizationDetails(details), holder);
      } catch (err) {
        if (!(err instanceof AuthorizationDetailsError)) throw err;
        sendJson(res, 400, { error: "invalid_request", error_description: err.message });
        return;
      }
    }
    const ttlSeconds = Math.min(options.tokenTtlSeconds, exchanged?.maxTtlSeconds ?? Infinity);
    const { token } = options.authority.issueToken({
      clientId: credentials.clientId,
      scopes: scoped?.scopes ?? [],
      ...(scoped !== undefined ? { grants: scoped.grants } : {}),
      ttlSeconds,
    });
    sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: ttlSeconds, scope: form.get("scope") ?? "all-apis" });
  };
}

function basicCredentials(req: IncomingMessage): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // Taken verbatim: the SDKs do not form-encode the parts (RFC 6749 §2.3.1 would), so decoding could
  // corrupt a secret containing '%' or '+'.
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

function postedCredentials(form: URLSearchParams): { clientId: string; clientSecret: string } | undefined {
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");
  return clientId !== null && clientSecret !== null ? { clientId, clientSecret } : undefined;
}
