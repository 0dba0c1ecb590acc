/**
 * A scripted OAuth token endpoint on 127.0.0.1:0: each request's form is recorded and `respond` answers it
 * (its third argument counts requests from 1), so a test decides every status and body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running scripted token endpoint. */
export interface ScriptedTokenEndpoint {
  /** `http://127.0.0.1:<port>`: give it to the SDK as the workspace URL. */
  readonly url: string;
  /** The form of every request, in order. */
  readonly forms: URLSearchParams[];
  close(): Promise<void>;
}

/** Starts an endpoint answering with `respond`. */
export async function startScriptedTokenEndpoint(
  respond: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<ScriptedTokenEndpoint> {
  const forms: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      forms.push(new URLSearchParams(body));
      respond(req, res, forms.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forms,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers every request with a JSON token `token-<n>` valid for `expiresIn` seconds. */
export const grantTokens =
  (expiresIn: number | string = 3600) =>
  (_req: IncomingMessage, res: ServerResponse, n: number): void => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ access_token: `token-${n}`, token_type: "Bearer", expires_in: expiresIn }));
  };
