/**
 * Small helpers for the JSON-over-HTTP endpoints: reading a bounded request body, answering JSON, and
 * answering errors in the Databricks REST shape `{ "error_code": …, "message": … }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

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

/** Reads the whole request body as UTF-8; throws `HttpError` 413 past `MAX_HTTP_BODY_BYTES`. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTTP_BODY_BYTES) throw new HttpError(413, "REQUEST_LIMIT_EXCEEDED", `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers a Databricks REST error. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error_code: error.errorCode, message: error.message });
}

/** The bearer token of a request, or `undefined` when the header is absent or not a bearer token. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}
