/**
 * Limits on calls themselves, before any stream exists: a call that never sends `create_stream` is
 * ended after `createStreamTimeoutMs` (otherwise a client could hold thousands of calls, each with
 * its HTTP/2 stream and buffers, for free), and one principal may hold at most `maxCallsPerPrincipal`
 * calls at once, so one client cannot take every slot of the service.
 */
import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";
import { TokenError, type TokenAuthority } from "../auth/token-authority.js";
import { clip, quote } from "../text/bounded-text.js";
import type { ServiceCall } from "./service-call.js";
import { callStatus, ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** The limits (see `LocalServiceOptions`). */
export interface CallGuardOptions {
  createStreamTimeoutMs: number;
  maxCallsPerPrincipal: number;
}

/** The principal every caller counts as when authentication is off. */
const ANONYMOUS = "anonymous";

/** Admits calls against the per-principal cap and ends those that stay idle. */
export class CallGuard {
  private readonly principals = new WeakMap<ServiceCall, string>();

  constructor(
    private readonly options: CallGuardOptions,
    private readonly authority: TokenAuthority,
    private readonly noAuth: boolean,
    /** The calls in progress (each call removes itself when it ends). */
    private readonly calls: ReadonlySet<ServiceCall>,
  ) {}

  /**
   * Runs a new call: refuses it with RESOURCE_EXHAUSTED when its principal is at the cap, otherwise
   * starts it (`start` builds and starts the record stream or DoPut call) and ends it if no request arrives in time.
   */
  run(call: ServerDuplexStream<unknown, unknown>, start: () => ServiceCall): void {
    const principal = this.principalOf(call.metadata);
    if (principal !== undefined) {
      let open = 0;
      for (const other of this.calls) if (this.principals.get(other) === principal) open++;
      if (open >= this.options.maxCallsPerPrincipal) {
        const status = callStatus(
          GrpcStatus.RESOURCE_EXHAUSTED,
          `Client ${quote(principal)} already has ${open} calls open, the most one client may hold (maxCallsPerPrincipal); close one first`,
          ERROR_CODES.RESOURCE_EXHAUSTED,
        );
        call.sendMetadata(new Metadata());
        call.emit("error", { code: status.code, details: status.details });
        return;
      }
    }
    const ingest = start();
    if (principal !== undefined) this.principals.set(ingest, principal);
    const timeoutMs = this.options.createStreamTimeoutMs;
    const timer = setTimeout(() => {
      ingest.end(callStatus(GrpcStatus.DEADLINE_EXCEEDED, `No create_stream within ${clip(String(timeoutMs))} ms of the call's start`, ERROR_CODES.CREATE_STREAM_TIMEOUT));
    }, timeoutMs);
    timer.unref();
    // Any first request settles it: a create_stream opens the stream, anything else is refused by the call.
    call.once("data", () => clearTimeout(timer));
    for (const event of ["cancelled", "error"]) call.once(event, () => clearTimeout(timer));
  }

  // The client id of a valid token; undefined otherwise (the call itself then refuses the token).
  private principalOf(metadata: Metadata): string | undefined {
    if (this.noAuth) return ANONYMOUS;
    const header = metadata.get("authorization")[0];
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match === null) return undefined;
    try {
      return this.authority.verifyToken(match[1] as string).sub;
    } catch (err) {
      if (err instanceof TokenError) return undefined;
      throw err;
    }
  }
}
