/**
 * The host name the service puts in the endpoints it prints (`serverEndpoint`, `workspaceUrl`).
 *
 * With TLS, a loopback or wildcard address is advertised as `localhost`: clients check the certificate
 * against the URL's host, local certificates name `localhost` (mkcert, `openssl req -subj /CN=localhost`),
 * and Bun's and Deno's clients do not accept an IP literal's certificate the way Node's does. Without TLS the
 * address itself is printed, which cannot resolve to a family the service is not listening on.
 */
export function advertisedHost(host: string, tls: boolean): string {
  const wildcard = host === "0.0.0.0" || host === "::";
  if (tls && (wildcard || host === "127.0.0.1")) return "localhost";
  if (wildcard) return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
