/**
 * The service's single HTTP(S) port: the OAuth token endpoint, the Unity Catalog REST subset and a
 * health check, dispatched by path.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createCatalogApi, TABLES_PATH, type CatalogApiOptions } from "../catalog/catalog-api.js";
import { createTokenEndpoint, TOKEN_PATH, type TokenEndpointOptions } from "../auth/token-endpoint.js";
import { HttpError, sendError, sendJson } from "./http-io.js";

/** What the HTTP front needs. */
export interface HttpFrontOptions extends TokenEndpointOptions, CatalogApiOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  tls: { cert: string | Buffer; key: string | Buffer } | undefined;
}

/** Creates the (not yet listening) HTTP or HTTPS server. */
export function createHttpFront(options: HttpFrontOptions): Server {
  const token = createTokenEndpoint(options);
  const catalog = createCatalogApi(options);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    if (path === TOKEN_PATH) return token(req, res);
    if (path === TABLES_PATH || path.startsWith(`${TABLES_PATH}/`)) return catalog(req, res, path, query);
    throw new HttpError(404, "ENDPOINT_NOT_FOUND", `No API found for '${req.method ?? ""} ${path}'`);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) sendError(res, err);
      else sendError(res, new HttpError(500, "INTERNAL_ERROR", `Internal error: ${(err as Error).message}`));
    });
  };
  return options.tls === undefined ? createHttpServer(listener) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener);
}
