/**
 * The blocking `ZerobusSdk` (`@zerobus-ts/sdk/sync`): the Python sync SDK's shape for scripts and
 * synchronous code. The first `createStream` starts one worker thread that runs the async SDK for all of
 * this SDK's streams; every call here returns when its work is done, waiting with `Atomics.wait`.
 *
 * What cannot cross to the worker thread is refused up front with a `NonRetriableException`: callbacks
 * (`ackCallback` — use `RecordAcknowledgment.addDoneCallback` — and headers-provider functions; fixed
 * headers are accepted) and objects such as a `logger`.
 */
import { NonRetriableException } from "../errors.js";
import { resolveStreamOptions, type ResolvedStreamOptions, type StreamConfigurationOptions } from "../options.js";
import { createRecordEncoder } from "../record-encoding.js";
import { ZerobusSdk as AsyncZerobusSdk, type ZerobusSdkOptions } from "../sdk.js";
import { normalizeTableProperties, type TablePropertiesInput } from "../table-properties.js";
import { streamCells, type WireAuth, type WireStreamOptions } from "./protocol.js";
import { DEFAULT_OUTBOX_LIMITS, type OutboxLimits } from "./record-outbox.js";
import { ZerobusStream, type SyncStreamSetup } from "./sync-stream.js";
import { WorkerChannel, type WorkerSdkConfig } from "./worker-channel.js";

/** Fixed call headers, `[name, value]` pairs, used instead of OAuth (a function cannot cross threads). */
export type StaticHeaders = ReadonlyArray<readonly [string, string]>;

/** Options of the blocking SDK: the async SDK's, plus how records are handed to the worker thread. */
export interface SyncZerobusSdkOptions extends ZerobusSdkOptions {
  /** Records handed to the worker per message (see `docs/integrations.md`). Default 256; 1 hands each over at once. */
  handoffMaxRecords?: number;
  /** Longest a record waits before being handed over, checked at each call, in ms. Default 1. */
  handoffMaxDelayMs?: number;
}

const isText = (v: unknown): v is string => typeof v === "string";

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < (name === "handoffMaxDelayMs" ? 0 : 1)) {
    throw new NonRetriableException(`Invalid SDK option '${name}': expected a ${name === "handoffMaxDelayMs" ? "non-negative" : "positive"} integer, got ${String(value)}`);
  }
  return value;
}

/** Refuses options the worker cannot receive; returns the resolved options and their cloneable form. */
function resolveOptions(options: unknown): { resolved: ResolvedStreamOptions; wire: WireStreamOptions } {
  if (options !== undefined && options !== null && typeof options === "object") {
    for (const [name, value] of Object.entries(options)) {
      if (typeof value === "function" || (typeof value === "object" && value !== null)) {
        const hint = /ack_?callback/i.test(name) ? ": use RecordAcknowledgment.addDoneCallback or waitForAck" : "";
        throw new NonRetriableException(`The blocking client cannot use the stream option '${name}': a callback or object cannot cross to its worker thread${hint}`);
      }
    }
  }
  const resolved = resolveStreamOptions(options);
  const wire: Record<string, string | number | boolean | undefined> = {};
  for (const [name, value] of Object.entries(resolved)) {
    if (value === undefined || ["string", "number", "boolean"].includes(typeof value)) wire[name] = value as string | number | boolean | undefined;
  }
  return { resolved, wire };
}

function staticHeaders(headers: unknown): StaticHeaders {
  const valid = Array.isArray(headers) && headers.every((h) => Array.isArray(h) && h.length === 2 && isText(h[0]) && isText(h[1]));
  if (!valid) {
    throw new NonRetriableException("The blocking client takes fixed headers as [[name, value], ...]: a headers provider function cannot run in its worker thread");
  }
  return headers as StaticHeaders;
}

/** The blocking client for one Zerobus endpoint and workspace. */
export class ZerobusSdk {
  /** The Zerobus endpoint, as given. */
  readonly serverEndpoint: string;
  /** The workspace (Unity Catalog) URL tokens are requested from, as given. */
  readonly workspaceUrl: string;
  readonly #config: WorkerSdkConfig;
  readonly #limits: OutboxLimits;
  readonly #setups = new Map<number, Omit<SyncStreamSetup, "handle" | "cells" | "resent">>();
  #channel: WorkerChannel | undefined;
  #nextHandle = 0;

  /** Same arguments as the async `ZerobusSdk`; nothing starts until the first stream. */
  constructor(serverEndpoint: string, workspaceUrl: string, options: SyncZerobusSdkOptions = {}) {
    // The async SDK's constructor validates the endpoint and options and has no side effects.
    new AsyncZerobusSdk(serverEndpoint, workspaceUrl, options);
    this.serverEndpoint = serverEndpoint;
    this.workspaceUrl = workspaceUrl;
    const roots = options.rootCertificates;
    const { applicationName, connectionPerStream, tokenCacheEnabled, tokenRefreshBufferMs } = options;
    this.#config = {
      serverEndpoint,
      workspaceUrl,
      rootCertificates: roots === undefined ? undefined : Uint8Array.from(Buffer.from(roots)),
      sdkOptions: { applicationName, connectionPerStream, tokenCacheEnabled, tokenRefreshBufferMs },
    };
    this.#limits = {
      maxRecords: positiveInteger("handoffMaxRecords", options.handoffMaxRecords, DEFAULT_OUTBOX_LIMITS.maxRecords),
      maxDelayMs: positiveInteger("handoffMaxDelayMs", options.handoffMaxDelayMs, DEFAULT_OUTBOX_LIMITS.maxDelayMs),
    };
  }

  /** Opens a stream with OAuth credentials (or fixed `headers`), Python argument order. Blocks until open. */
  createStream(
    clientId: string,
    clientSecret: string,
    tableProperties: TablePropertiesInput,
    options?: StreamConfigurationOptions,
    headers?: StaticHeaders,
  ): ZerobusStream;
  /** The same, in the official TypeScript SDK's argument order. */
  createStream(
    tableProperties: TablePropertiesInput,
    clientId: string,
    clientSecret: string,
    options?: StreamConfigurationOptions,
    headers?: StaticHeaders,
  ): ZerobusStream;
  createStream(...args: unknown[]): ZerobusStream {
    const pythonOrder = isText(args[0]);
    const [clientId, clientSecret, tableProperties] = pythonOrder ? [args[0], args[1], args[2]] : [args[1], args[2], args[0]];
    if (args[4] !== undefined && args[4] !== null) return this.#open(tableProperties, { kind: "headers", headers: staticHeaders(args[4]) }, args[3]);
    if (!isText(clientId) || clientId === "" || !isText(clientSecret) || clientSecret === "") {
      throw new NonRetriableException("createStream: clientId and clientSecret must be non-empty strings (or pass fixed headers)");
    }
    return this.#open(tableProperties, { kind: "oauth", clientId, clientSecret }, args[3]);
  }

  /** Opens a stream whose calls carry the fixed `headers` (the Python SDK's method of this name). */
  createStreamWithHeadersProvider(headers: StaticHeaders, tableProperties: TablePropertiesInput, options?: StreamConfigurationOptions): ZerobusStream {
    return this.#open(tableProperties, { kind: "headers", headers: staticHeaders(headers) }, options);
  }

  /**
   * Opens a new stream like `stream` (same table, options and credentials) and re-ingests, in order, every
   * record `stream` never got acknowledged. `stream` must be closed or failed.
   */
  recreateStream(stream: ZerobusStream): ZerobusStream {
    const setup = stream instanceof ZerobusStream ? this.#setups.get(stream._handle) : undefined;
    if (!setup) throw new NonRetriableException("recreateStream: expected a stream created by this ZerobusSdk");
    const handle = ++this.#nextHandle;
    const cells = streamCells();
    const resent = this.#worker().call({ op: "recreate", stream: handle, from: stream._handle, cells: cells.buffer }) as number[];
    this.#setups.set(handle, setup);
    return new ZerobusStream({ ...setup, handle, cells, resent });
  }

  /** Stops the worker thread; open streams are cancelled (close them first to flush). */
  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }

  #worker(): WorkerChannel {
    this.#channel ??= new WorkerChannel(this.#config);
    return this.#channel;
  }

  #open(tableProperties: unknown, auth: WireAuth, options: unknown): ZerobusStream {
    const table = normalizeTableProperties(tableProperties);
    const { resolved, wire } = resolveOptions(options);
    if (resolved.recordType === "proto" && !table.descriptor) {
      throw new NonRetriableException("Proto descriptor is required for Proto record type: pass one in TableProperties");
    }
    const setup = {
      channel: this.#worker(),
      tableName: table.tableName,
      options: resolved,
      encode: createRecordEncoder(resolved.recordType, table.descriptor),
      limits: this.#limits,
    };
    const handle = ++this.#nextHandle;
    const cells = streamCells();
    setup.channel.call({
      op: "create",
      stream: handle,
      tableName: table.tableName,
      descriptorProto: table.descriptor?.descriptorProto,
      options: wire,
      auth,
      cells: cells.buffer,
    });
    this.#setups.set(handle, setup);
    return new ZerobusStream({ ...setup, handle, cells });
  }
}
