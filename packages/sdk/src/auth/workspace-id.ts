/**
 * Derives the workspace id from a Zerobus endpoint, the way every official SDK does (PROTOCOL.md §2.1).
 */
import { NonRetriableException } from "../errors.js";

const SCHEMES = ["https://", "http://"] as const;

/**
 * The workspace id of a Zerobus endpoint: the endpoint without its `https://` or `http://` prefix, up to
 * the first `.`. For `https://1234567890123456.zerobus.us-west-2.cloud.databricks.com` that is
 * `1234567890123456`.
 *
 * The rule is replicated exactly, quirks included, because the id only feeds the OAuth `resource` string
 * and a token server may compare it with what the official SDKs send: `http://127.0.0.1:5000` gives `127`
 * and `http://localhost:50051` gives `localhost:50051` (no dot, so the port stays). A scheme-less endpoint
 * is taken as it is.
 *
 * @throws NonRetriableException when nothing is left to use as an id (for example `https://` alone).
 */
export function workspaceIdFromEndpoint(endpoint: string): string {
  if (typeof endpoint !== "string") {
    throw new NonRetriableException(`Failed to extract workspace_id from endpoint: expected a string, got ${typeof endpoint}`);
  }
  const scheme = SCHEMES.find((prefix) => endpoint.startsWith(prefix));
  const host = scheme === undefined ? endpoint : endpoint.slice(scheme.length);
  const id = host.split(".", 1)[0] ?? "";
  if (id === "") {
    throw new NonRetriableException(`Failed to extract workspace_id from endpoint '${endpoint}'`);
  }
  return id;
}
