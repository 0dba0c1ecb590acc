/**
 * The caller's end of the blocking client: it starts the worker thread, posts messages to it, and blocks
 * with `Atomics.wait` until the worker signals progress.
 *
 * Replies are read with `receiveMessageOnPort`, which takes a message off the port synchronously: the
 * caller's event loop never has to run, which is the point, since the caller is blocked. The worker posts a
 * reply before it bumps the control sequence number, so a wake-up always finds the reply there.
 *
 * The worker and the port are unref'd: an idle blocking client never keeps the process alive (close your
 * streams before exiting, as with the async API).
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { ZerobusException } from "../errors.js";
import { CONTROL, fromWireError, type CallMessage, type DeadMessage, type Reply, type ToWorker } from "./protocol.js";
import { syncWorkerPath, workerBootstrap } from "./worker-location.js";

/** What the worker needs to build its async `ZerobusSdk`. */
export interface WorkerSdkConfig {
  readonly serverEndpoint: string;
  readonly workspaceUrl: string;
  readonly rootCertificates: Uint8Array | undefined;
  /** The cloneable `ZerobusSdkOptions` (a logger cannot cross into the worker). */
  readonly sdkOptions: {
    readonly applicationName?: string | undefined;
    readonly connectionPerStream?: boolean | undefined;
    readonly tokenCacheEnabled?: boolean | undefined;
    readonly tokenRefreshBufferMs?: number | undefined;
  };
}

/** Longest single `Atomics.wait`; waits are re-armed, so this only bounds how stale a deadline check gets. */
const WAIT_SLICE_MS = 1_000;

/** See the module comment. */
export class WorkerChannel {
  readonly #control: Int32Array;
  readonly #port: MessagePort;
  readonly #worker: Worker;
  #nextId = 0;
  #dead: ZerobusException | undefined;
  #closed = false;

  /**
   * Starts the worker thread (it loads the SDK in the background; the first call waits for it).
   * `workerPath` is for tests: a script that cannot load shows how a failed start is reported.
   */
  constructor(config: WorkerSdkConfig, workerPath: string = syncWorkerPath()) {
    const controlBuffer = new SharedArrayBuffer(CONTROL.LENGTH * 4);
    this.#control = new Int32Array(controlBuffer);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(workerBootstrap(workerPath), {
      eval: true,
      workerData: { control: controlBuffer, port: port2, config },
      transferList: [port2],
    });
    // Asynchronous worker errors are also reported through the DEAD flag; this only keeps them off the
    // process's uncaught-exception path when the caller's event loop does get to run.
    this.#worker.on("error", () => {});
    this.#worker.unref();
    this.#port.unref();
  }

  /** Posts a message that needs no reply (records). */
  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#assertUsable();
    this.#port.postMessage(message, transfer);
  }

  /** Posts a call and blocks until its reply; a failed call throws its error, rebuilt in this thread. */
  call(message: CallMessage, transfer: ArrayBuffer[] = []): unknown {
    this.#assertUsable();
    const id = ++this.#nextId;
    this.#port.postMessage({ ...message, id }, transfer);
    let reply: Reply | undefined;
    this.waitUntil(() => {
      const received = receiveMessageOnPort(this.#port);
      if (received === undefined) return false;
      const message = received.message as Reply | DeadMessage;
      // A worker that failed to start (or died) posts its reason on the same port, ahead of any reply.
      if ("dead" in message) throw this.#die(message.dead);
      reply = message;
      return true;
    });
    if (!reply || reply.id !== id) throw new ZerobusException(`Blocking client: reply ${reply?.id} to call ${id} (${message.op})`);
    if (!reply.ok) throw fromWireError(reply.error);
    return reply.value;
  }

  /**
   * Blocks until `condition()` holds, re-checking whenever the worker signals. Returns `false` if
   * `timeoutMs` passed first (no timeout when `undefined`); throws if the worker thread died.
   */
  waitUntil(condition: () => boolean, timeoutMs?: number): boolean {
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      // Read the sequence number before the condition: a signal between the two makes the wait return at once.
      const seq = Atomics.load(this.#control, CONTROL.SEQ);
      if (condition()) return true;
      if (Atomics.load(this.#control, CONTROL.DEAD) === 1) throw this.#deathError();
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.#control, CONTROL.SEQ, seq, Math.min(remaining, WAIT_SLICE_MS));
    }
  }

  /** Asks the worker to close its channel and stops the thread. Idempotent. */
  close(): void {
    if (this.#closed) return;
    try {
      if (!this.#dead) this.call({ op: "shutdown" });
    } catch {
      // Closing a broken worker: nothing left to release there.
    }
    this.#closed = true;
    void this.#worker.terminate();
  }

  #assertUsable(): void {
    if (this.#dead) throw this.#dead;
    if (this.#closed) throw new ZerobusException("The SDK is closed: create a new ZerobusSdk");
  }

  #deathError(): ZerobusException {
    if (this.#dead) return this.#dead;
    let reason = "unknown reason";
    for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
      const dead = (m.message as Partial<DeadMessage>).dead;
      if (typeof dead === "string") reason = dead;
    }
    return this.#die(reason);
  }

  /** Records why the worker died (the first reason wins) and returns the error every later use throws. */
  #die(reason: string): ZerobusException {
    this.#dead ??= new ZerobusException(`The blocking client's worker thread stopped: ${reason}${missingWorkerHint(reason)}`);
    return this.#dead;
  }
}

/** The usual cause of a worker script that cannot be found: the SDK was bundled into one file. */
function missingWorkerHint(reason: string): string {
  if (!/sync-worker/.test(reason) || !/Cannot find module|ERR_MODULE_NOT_FOUND/.test(reason)) return "";
  return (
    "\n(The blocking client starts its worker from the SDK's own files, sync/sync-worker.js next to sync/index.js. " +
    "If @zerobus-ts/sdk was bundled into one file, mark it as external so it loads from node_modules.)"
  );
}
