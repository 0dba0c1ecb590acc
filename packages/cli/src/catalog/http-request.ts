/**
 * One HTTP(S) request with a text body and a time limit. `node:http(s)` rather than `fetch`, because only
 * it lets a request trust an extra CA (`--ca-cert`, e.g. a local service's self-signed certificate).
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/** What {@link sendHttpRequest} sends. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Extra trusted root certificates (PEM) for https URLs. */
  ca?: Buffer | undefined;
  /** Whole-request time limit. */
  timeoutMs: number;
}

/** The status and body text of a response. */
export interface HttpResponse {
  status: number;
  text: string;
}

/** Sends the request; rejects on network errors and on timeout (with a message saying which). */
export function sendHttpRequest(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    const outgoing = send(
      url,
      { method: req.method, headers: req.headers, ...(req.ca !== undefined ? { ca: req.ca } : {}) },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    outgoing.setTimeout(req.timeoutMs, () => outgoing.destroy(new Error(`no response within ${req.timeoutMs / 1000} s`)));
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

/** A short description of a network error (`ECONNREFUSED 127.0.0.1:8080`, a TLS complaint, …). */
export function networkErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (err.message !== "") return err.message;
  return typeof code === "string" ? code : err.name;
}
