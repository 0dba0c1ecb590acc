/**
 * One HTTP(S) request with a text body, for the token endpoint and the Unity Catalog REST API.
 *
 * `node:http`/`node:https` rather than the global `fetch`: only they let a request trust extra root
 * certificates (a private CA, or a local service's self-signed certificate), which an HTTPS workspace
 * behind such a CA needs as much as the gRPC endpoint does.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/** What {@link sendHttpRequest} sends. */
export interface HttpRequest {
  method: "GET" | "POST";
  /** An `http:` or `https:` URL (checked by the caller). */
  url: URL;
  headers: OutgoingHttpHeaders;
  body?: string | undefined;
  /** PEM root certificates to trust instead of the system's, for `https:` URLs. */
  rootCertificates?: Buffer | string | undefined;
  /** Aborts the request; the promise then rejects with the signal's abort error. */
  signal?: AbortSignal | undefined;
}

/** The status and body text of a response. */
export interface HttpResponse {
  status: number;
  text: string;
}

/** Sends the request; rejects on network, TLS and abort errors, resolves with any HTTP status. */
export function sendHttpRequest(req: HttpRequest): Promise<HttpResponse> {
  const send = req.url.protocol === "https:" ? httpsRequest : httpRequest;
  const headers: OutgoingHttpHeaders = { ...req.headers };
  // An explicit length: without one Node sends the body chunked, which some token endpoints refuse.
  if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
  return new Promise<HttpResponse>((resolve, reject) => {
    const outgoing = send(
      req.url,
      {
        method: req.method,
        headers,
        ...(req.rootCertificates === undefined ? {} : { ca: req.rootCertificates }),
        ...(req.signal === undefined ? {} : { signal: req.signal }),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        // A connection cut mid-body ends with `close` and no `end` on some Node versions.
        res.on("close", () => {
          if (!res.complete) reject(new Error("the connection closed before the response was complete"));
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

/**
 * A short description of a transport error: its message, else its code (`ECONNREFUSED`). Node reports a
 * refused connection to a name with several addresses as an AggregateError whose message is empty.
 */
export function describeTransportError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message !== "") return err.message;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err.name;
}
