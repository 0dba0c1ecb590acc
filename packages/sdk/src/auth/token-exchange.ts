/**
 * Federated authentication: RFC 8693 token exchange at the workspace's token endpoint (OFFICIAL-2X.md §3).
 * A subject JWT from another identity provider is traded for a Databricks token scoped to one table, with
 * the same `resource` and `authorization_details` as client credentials and no client secret.
 */
import { postTokenRequest, zerobusTokenScope } from "./oauth-token.js";
import type { SubjectToken } from "./subject-token.js";
import type { TokenGrant } from "./token-cache.js";

/** `grant_type` of a token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

/** `subject_token_type` of a JWT subject token. */
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/** What one exchange needs. */
export interface TokenExchangeRequest {
  workspaceUrl: string;
  workspaceId: string;
  tableName: string;
  subject: SubjectToken;
  /** A Databricks service principal's application id, for account-level federation policies. */
  clientId?: string | undefined;
  rootCertificates?: Buffer | string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Exchanges the subject token for a Zerobus write token. The grant's lifetime is capped by the subject
 * token's `exp`. Failures are classified as for client credentials (4xx final, with the endpoint's reason;
 * network errors and 5xx retriable); the subject token is scrubbed from every message.
 */
export function exchangeSubjectToken(request: TokenExchangeRequest): Promise<TokenGrant> {
  const { jwt, expiresAtMs } = request.subject;
  const signature = jwt.slice(jwt.lastIndexOf(".") + 1);
  return postTokenRequest({
    workspaceUrl: request.workspaceUrl,
    form: {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: jwt,
      subject_token_type: JWT_TOKEN_TYPE,
      scope: "all-apis",
      ...zerobusTokenScope(request.workspaceId, request.tableName),
      ...(request.clientId ? { client_id: request.clientId } : {}),
    },
    secrets: [jwt, signature],
    rootCertificates: request.rootCertificates,
    signal: request.signal,
  }).then((grant) => ({ ...grant, notAfterMs: expiresAtMs }));
}
