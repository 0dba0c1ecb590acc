/**
 * Turns the user's Zerobus endpoint into a gRPC target. `https://` and scheme-less endpoints use TLS (the
 * Rust engine prepends `https://` to scheme-less ones), `http://` is plaintext (PROTOCOL.md §2.1–2.2).
 */
import { NonRetriableException } from "../errors.js";

/** Where and how to connect. */
export interface GrpcEndpoint {
  /** `host:port` for grpc-js (IPv6 hosts in brackets). */
  readonly target: string;
  /** Host name alone, for proxy bypass matching. */
  readonly host: string;
  readonly port: number;
  /** TLS (`https://` or no scheme) or plaintext (`http://`). */
  readonly secure: boolean;
}

/** Parses `https://host[:port]`, `http://host[:port]` or `host[:port]`; throws on anything else. */
export function parseEndpoint(endpoint: string): GrpcEndpoint {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw new NonRetriableException(`Invalid Zerobus endpoint: expected a non-empty string, got ${JSON.stringify(endpoint)}`);
  }
  const text = endpoint.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw new NonRetriableException(`Invalid Zerobus endpoint '${endpoint}': not a host or URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new NonRetriableException(`Invalid Zerobus endpoint '${endpoint}': scheme must be https:// or http://`);
  }
  if (!url.hostname) throw new NonRetriableException(`Invalid Zerobus endpoint '${endpoint}': no host`);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new NonRetriableException(`Invalid Zerobus endpoint '${endpoint}': must not have a path or query`);
  }
  const secure = url.protocol === "https:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  return { target: `${url.hostname}:${port}`, host: url.hostname.replace(/^\[|\]$/g, ""), port, secure };
}
