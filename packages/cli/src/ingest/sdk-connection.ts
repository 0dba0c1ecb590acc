/**
 * The SDK client and the OAuth headers every ingest stream uses, record or Arrow: a fresh write token and
 * the table header per connection attempt, from the SDK's OAuth provider, which trusts `--ca-cert` for an
 * https workspace as the SDK's channel does for the Zerobus endpoint.
 */
import { OAuthHeadersProvider, workspaceIdFromEndpoint, ZerobusSdk } from "@zerobus-ts/sdk";
import type { ConnectionSettings } from "../connection-settings.js";

/** A client for the settings' Zerobus endpoint. */
export function createSdk(settings: ConnectionSettings): ZerobusSdk {
  return new ZerobusSdk(settings.serverEndpoint, settings.workspaceUrl, settings.caCert === undefined ? {} : { rootCertificates: settings.caCert });
}

/** Headers for one connection attempt to `tableName`. */
export function headerSource(settings: ConnectionSettings, tableName: string): () => Promise<Array<[string, string]>> {
  const oauth = new OAuthHeadersProvider({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    tableName,
    workspaceUrl: settings.workspaceUrl,
    workspaceId: workspaceIdFromEndpoint(settings.serverEndpoint),
    rootCertificates: settings.caCert,
  });
  return () => oauth.getHeaders();
}
