/**
 * Small helpers for the JSON-over-HTTP endpoints: reading a bounded request body, answering JSON, and
 * answering errors in the Databricks REST shape `{ "error_code": …, "message": … }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { boundMessage } from "../text/bounded-text.js";

/** Request bodies are small JSON or form documents; anything bigger is refused. */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

/** An error that becomes a Databricks-shaped JSON error response. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the whole request body as UTF-8; rejects with `HttpError` 413 past `MAX_HTTP_BODY_BYTES` (at
 * once when `content-length` says so). The rest of an oversized body is never read: the 413 answer
 * closes the connection (`sendError`), so a keep-alive client opens a new one for its next request
 * instead of finding this one reset.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () => new HttpError(413, "REQUEST_LIMIT_EXCEEDED", `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_HTTP_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_HTTP_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      chunks.length = 0;
      reject(tooLarge());
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Answers a Databricks REST error, its message capped (`boundMessage`). A 413 also closes the
 * connection: the unread rest of the body must not be taken for the next request.
 */
export function sendError(res: ServerResponse, error: HttpError): void {
  const headers: Record<string, string> = error.status === 413 ? { connection: "close" } : {};
  sendJson(res, error.status, { error_code: error.errorCode, message: boundMessage(error.message) }, headers);
}

/** The bearer token of a request, or `undefined` when the header is absent or not a bearer token. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}
