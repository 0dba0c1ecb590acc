/**
 * The host name the service puts in the endpoints it prints (`serverEndpoint`, `workspaceUrl`).
 *
 * With TLS, a loopback or wildcard address is advertised as `localhost`: Bun's and Deno's TLS clients refuse
 * an IP address as the server name ("Setting the TLS ServerName to an IP address is not permitted"; seen
 * with `npm run test:runtimes`), and certificates for local use name `localhost`. Without TLS the address
 * itself is printed, which cannot resolve to an address family the service is not listening on.
 */
export function advertisedHost(host: string, tls: boolean): string {
  const wildcard = host === "0.0.0.0" || host === "::";
  if (tls && (wildcard || host === "127.0.0.1")) return "localhost";
  if (wildcard) return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
