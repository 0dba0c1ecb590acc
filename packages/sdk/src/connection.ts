/**
 * One connection attempt (PROTOCOL.md §4.2): fetch fresh headers, open the call, send the opening request
 * (`create_stream`, or the Flight schema frame), and wait for its answer (the stream id, or the ready signal). The whole attempt is bounded by `recoveryTimeoutMs`, as in the Rust engine.
 * After the handshake, the call's events are forwarded to the engine's handlers.
 */
import { GrpcStatus, ZerobusException, errorFromGrpcStatus, toZerobusException } from "./errors.js";
import type { RetryBudget } from "./retry-budget.js";
import type { CallStatus, GrpcChannel, StreamCall } from "./transport/grpc-channel.js";
import type { StreamResponse } from "./wire/response-decoder.js";
import type { WireProtocol } from "./wire-protocol.js";

/** What the engine hears from an established connection. */
export interface ConnectionHandlers {
  response(connection: Connection, response: StreamResponse): void;
  closed(connection: Connection, error: ZerobusException): void;
}

/** Everything one attempt needs. */
export interface ConnectOptions {
  channel: GrpcChannel;
  /** Fresh headers for this attempt (OAuth token fetched here). */
  getHeaders: (signal: AbortSignal) => Promise<ReadonlyArray<readonly [string, string]>>;
  /** The RPC, its opening request and how the answer to it reads. */
  protocol: Pick<WireProtocol, "rpc" | "openingRequest" | "openingAnswer" | "streamIdFrom">;
  timeoutMs: number;
  handlers: ConnectionHandlers;
}

/** An established stream call and its server-assigned id. */
export interface Connection {
  readonly call: StreamCall;
  readonly streamId: string;
  /** Set once the call has ended (possibly before the engine installed it). */
  closedWith: ZerobusException | undefined;
}

/** The error a call that ended reports, with `context` saying what was going on. */
export function callStatusError(status: CallStatus, context: string): ZerobusException {
  if (status.code === GrpcStatus.OK) {
    return new ZerobusException(`${context}: stream closed by server without errors`, { grpcCode: GrpcStatus.OK });
  }
  return errorFromGrpcStatus(status.code, status.details, context, undefined, status.statusDetails);
}

/** Makes one attempt; rejects with a {@link ZerobusException} whose `retriable` says whether to try again. */
export function connectOnce(options: ConnectOptions): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    const abort = new AbortController();
    let call: StreamCall | undefined;
    let connection: Connection | undefined;
    let settled = false;
    const fail = (err: ZerobusException): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort.abort();
      call?.cancel();
      reject(err);
    };
    const timeoutError = new ZerobusException(`Failed to create stream: timed out after ${options.timeoutMs} ms`, {
      grpcCode: GrpcStatus.DEADLINE_EXCEEDED,
    });
    const timer = setTimeout(() => fail(timeoutError), options.timeoutMs);

    const onResponse = (response: StreamResponse): void => {
      if (connection) return options.handlers.response(connection, response);
      const streamId = options.protocol.streamIdFrom(response);
      if (streamId !== undefined) {
        settled = true;
        clearTimeout(timer);
        connection = { call: call!, streamId, closedWith: undefined };
        resolve(connection);
        return;
      }
      const answer = options.protocol.openingAnswer;
      const what = response.kind === "createStream" ? "create response without a stream id" : `'${response.kind}' before the ${answer}`;
      fail(new ZerobusException(`Failed to create stream: unexpected response from server (${what})`, { grpcCode: GrpcStatus.INTERNAL }));
    };
    const onClosed = (status: CallStatus): void => {
      if (connection) {
        connection.closedWith = callStatusError(status, "Stream closed");
        return options.handlers.closed(connection, connection.closedWith);
      }
      fail(callStatusError(status, "Failed to create stream"));
    };

    options.getHeaders(abort.signal).then(
      (headers) => {
        if (settled) return;
        try {
          call = options.channel.openStream(headers, { response: onResponse, closed: onClosed }, options.protocol.rpc);
          call.write(options.protocol.openingRequest);
        } catch (err) {
          // e.g. the SDK's channel was closed while this stream was reconnecting
          fail(toZerobusException(err, "Failed to create stream"));
        }
      },
      (err: unknown) => fail(toZerobusException(err, "Failed to create stream")),
    );
  });
}

/** How connection attempts are retried. */
export interface RetryPolicy {
  /** Attempts left and the backoff; shared across reconnects, refilled only by progress (see `retry-budget.ts`). */
  budget: RetryBudget;
  /** Aborting stops the retries (the stream was closed meanwhile). */
  signal: AbortSignal;
  /**
   * Drops cached credentials after the server refused them at setup (UNAUTHENTICATED or PERMISSION_DENIED);
   * returns whether anything was dropped. When it does, setup is tried once more at once with fresh
   * credentials, as the official core does (2.5.0): a token revoked or re-scoped while cached must not
   * fail a stream that a fresh token would open.
   */
  invalidateCredentials?: (() => boolean) | undefined;
  /** Told before each attempt (1-based). */
  onAttempt?: ((attempt: number, attempts: number) => void) | undefined;
  /** Told after a failed attempt; `retryInMs` is `undefined` when no attempt is left or the error is final. */
  onAttemptFailed?: ((error: ZerobusException, attempt: number, attempts: number, retryInMs: number | undefined) => void) | undefined;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });

const isAuthRefusal = (err: ZerobusException): boolean =>
  err.grpcCode === GrpcStatus.UNAUTHENTICATED || err.grpcCode === GrpcStatus.PERMISSION_DENIED;

/**
 * Connects while the budget lasts: the budget's backoff before each attempt (none after progress), a
 * non-retriable error ends the loop at once (after one fresh-credentials retry for an auth refusal). When
 * the budget is spent, the last error is thrown, with the attempt count.
 */
export async function connectWithRetries(options: ConnectOptions, policy: RetryPolicy): Promise<Connection> {
  const { budget } = policy;
  let credentialsRetried = false;
  while (!budget.exhausted) {
    if (budget.nextDelayMs > 0) await sleep(budget.nextDelayMs, policy.signal);
    if (policy.signal.aborted) break;
    const attempt = budget.failures + 1;
    policy.onAttempt?.(attempt, budget.attempts);
    try {
      return await connectOnce(options);
    } catch (err) {
      const error = toZerobusException(err, "Failed to create stream");
      if (!credentialsRetried && isAuthRefusal(error) && policy.invalidateCredentials?.()) {
        credentialsRetried = true;
        policy.onAttemptFailed?.(error, attempt, budget.attempts, 0);
        continue;
      }
      budget.fail(error);
      const retryInMs = error.retriable && !budget.exhausted ? budget.nextDelayMs : undefined;
      policy.onAttemptFailed?.(error, attempt, budget.attempts, retryInMs);
      if (!error.retriable) throw error;
    }
  }
  const lastError = budget.lastError;
  if (!lastError || policy.signal.aborted) throw new ZerobusException("Stream was closed while connecting");
  if (budget.attempts <= 1) throw lastError;
  throw new ZerobusException(`${lastError.message} (gave up after ${budget.attempts} attempts)`, {
    grpcCode: lastError.grpcCode,
    cause: lastError,
    errorInfo: lastError.errorInfo,
  });
}
