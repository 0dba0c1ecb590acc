/**
 * The OAuth client-credentials request (`POST {workspaceUrl}/oidc/v1/token`, HTTP Basic) over
 * `node:https`, so that `--ca-cert` applies to it: the catalog calls use a plain workspace token (as the
 * official generators request it, PROTOCOL.md §11.2), and streams to a TLS endpoint with its own CA use
 * a table-scoped write token (§3.1), which the SDK's own token fetch cannot request through an extra CA.
 */
import type { ConnectionSettings } from "../connection-settings.js";
import { networkErrorText, sendHttpRequest } from "./http-request.js";

const REQUEST_TIMEOUT_MS = 30_000;

/** A token request that failed: `status` is the HTTP status, or undefined when nothing came back. */
export class TokenRequestError extends Error {
  override readonly name = "TokenRequestError";
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** Requests a token with the form fields `grant_type=client_credentials`, `scope=all-apis` and `extra`. */
export async function requestToken(settings: ConnectionSettings, extra: Record<string, string> = {}): Promise<string> {
  const { clientId, clientSecret } = settings;
  let response: { status: number; text: string };
  try {
    response = await sendHttpRequest({
      method: "POST",
      url: `${settings.workspaceUrl}/oidc/v1/token`,
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis", ...extra }).toString(),
      ca: settings.caCert,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  } catch (err) {
    throw new TokenRequestError(`cannot reach the workspace at ${settings.workspaceUrl}: ${networkErrorText(err)}`, undefined);
  }
  if (response.status === 401 || response.status === 403) {
    throw new TokenRequestError(`the workspace refused the client credentials of '${clientId}' (HTTP ${response.status}); check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET`, response.status);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new TokenRequestError(`token request failed: HTTP ${response.status}: ${response.text.trim().slice(0, 300)}`, response.status);
  }
  let token: unknown;
  try {
    token = (JSON.parse(response.text) as { access_token?: unknown }).access_token;
  } catch {
    throw new TokenRequestError("the token endpoint's answer is not JSON", response.status);
  }
  if (typeof token !== "string" || token === "") throw new TokenRequestError("the token endpoint's answer has no access_token", response.status);
  return token;
}

/**
 * The form fields of a Zerobus write token for one table (PROTOCOL.md §3.1): the `resource` naming the
 * workspace's Zerobus API and `authorization_details` granting USE CATALOG, USE SCHEMA and SELECT +
 * MODIFY on the table, each for the `zerobuswrite` operation as the newest official client asks.
 */
export function writeTokenFields(tableName: string, workspaceId: string): Record<string, string> {
  const [catalog, schema] = tableName.split(".");
  const grant = (privileges: string[], objectType: string, path: string) => ({
    type: "unity_catalog_privileges",
    privileges,
    object_type: objectType,
    object_full_path: path,
    operations: ["zerobuswrite"],
  });
  return {
    resource: `api://databricks/workspaces/${workspaceId}/zerobusDirectWriteApi`,
    authorization_details: JSON.stringify([
      grant(["USE CATALOG"], "CATALOG", catalog ?? ""),
      grant(["USE SCHEMA"], "SCHEMA", `${catalog}.${schema}`),
      grant(["SELECT", "MODIFY"], "TABLE", tableName),
    ]),
  };
}
