/**
 * An HTTP front for a workspace URL (the local service's token endpoint) that can fail token requests:
 * answer with an HTTP status (503 is what an outage looks like; 401 a revoked secret) or drop the
 * connection without an answer (a network error). Everything else is forwarded as is, and every
 * `access_token` that passes through is recorded, so a test can see which token each attempt got.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** How a failed token request fails: an HTTP status, or `"drop"` for a connection closed unanswered. */
export type TokenFailure = number | "drop";

/** A running token-endpoint front. */
export interface TokenEndpointFaults {
  /** `http://127.0.0.1:<port>`: give this to the SDK as the workspace URL. */
  readonly workspaceUrl: string;
  /** Token requests received (failed ones included). */
  readonly requests: number;
  /** The tokens handed out, in order. */
  readonly tokens: readonly string[];
  /** Fails `count` more token requests with `failure`, after any failures already queued. */
  failNext(count: number, failure: TokenFailure): void;
  /** Fails every token request with `failure` until `heal()`. */
  failAll(failure: TokenFailure): void;
  /** Stops failing. */
  heal(): void;
  close(): Promise<void>;
}

/** Starts a front forwarding to `targetUrl` (e.g. `service.workspaceUrl`) on an ephemeral port. */
export async function startTokenEndpointFaults(targetUrl: string): Promise<TokenEndpointFaults> {
  let requests = 0;
  const tokens: string[] = [];
  const queued: TokenFailure[] = [];
  let failingAll: TokenFailure | undefined;

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length" && name !== "connection") headers[name] = value;
    }
    const answer = await fetch(new URL(req.url ?? "/", targetUrl), {
      method: req.method ?? "GET",
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = await answer.text();
    if (req.url?.startsWith("/oidc/v1/token") && answer.ok) {
      const token = (JSON.parse(body) as { access_token?: unknown }).access_token;
      if (typeof token === "string") tokens.push(token);
    }
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(body);
  };

  const server = createServer((req, res) => {
    const isToken = req.url?.startsWith("/oidc/v1/token") ?? false;
    if (isToken) requests++;
    const failure = isToken ? (queued.shift() ?? failingAll) : undefined;
    if (failure !== undefined) {
      req.resume();
      if (failure === "drop") {
        req.socket.destroy();
        return;
      }
      res.writeHead(failure, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "injected", error_description: `injected HTTP ${failure}` }));
      return;
    }
    forward(req, res).catch((err: Error) => {
      res.writeHead(502);
      res.end(`token front: ${err.message}`);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });

  return {
    workspaceUrl: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    tokens,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) queued.push(failure);
    },
    failAll(failure) {
      failingAll = failure;
    },
    heal() {
      queued.length = 0;
      failingAll = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
