/**
 * Proxy selection exactly as the official SDKs do it (PROTOCOL.md §2.5): the first non-empty of
 * grpc_proxy, GRPC_PROXY, https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY, unless the host matches the
 * first non-empty of no_grpc_proxy, NO_GRPC_PROXY, no_proxy, NO_PROXY. The proxy is always used as an
 * HTTP CONNECT tunnel, since HTTP/2 cannot go through a forward proxy.
 */

const PROXY_VARIABLES = ["grpc_proxy", "GRPC_PROXY", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"];
const BYPASS_VARIABLES = ["no_grpc_proxy", "NO_GRPC_PROXY", "no_proxy", "NO_PROXY"];

type Environment = Readonly<Record<string, string | undefined>>;

function firstSet(env: Environment, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** Whether `host` is excluded from proxying by a comma-separated bypass list. */
export function hostBypassesProxy(host: string, bypassList: string): boolean {
  const target = host.toLowerCase();
  return bypassList
    .split(",")
    .map((entry) => entry.trim().toLowerCase().replace(/^\./, ""))
    .filter((entry) => entry !== "")
    .some((entry) => entry === "*" || target === entry || target.endsWith(`.${entry}`));
}

/** The proxy URL to tunnel through for `host`, or `undefined` for a direct connection. */
export function resolveProxy(host: string, env: Environment = process.env): URL | undefined {
  const proxy = firstSet(env, PROXY_VARIABLES);
  if (!proxy) return undefined;
  const bypass = firstSet(env, BYPASS_VARIABLES);
  if (bypass && hostBypassesProxy(host, bypass)) return undefined;
  try {
    const url = new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
    if (url.protocol !== "http:") throw new Error("only http:// proxies can open CONNECT tunnels");
    return url;
  } catch (err) {
    // The official SDKs warn and connect directly when the proxy URL cannot be used.
    process.emitWarning(`Ignoring proxy '${proxy}': ${(err as Error).message}`, "ZerobusProxyWarning");
    return undefined;
  }
}
