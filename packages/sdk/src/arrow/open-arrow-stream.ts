/**
 * Opens an Arrow stream: checks the table properties and options, loads apache-arrow (and the codec, if
 * any), builds the declared schema, and connects a {@link StreamEngine} speaking Flight `DoPut` over a
 * channel of the stream's own (Arrow streams never share a connection: ARROW-FLIGHT.md §1).
 */
import { NonRetriableException } from "../errors.js";
import { otelStreamAttributes, registerOtelMetrics, type OtelRegistration } from "../metrics/otel-metrics.js";
import { resolveMeter } from "../metrics/resolve-meter.js";
import { StreamEngine, type EngineLimits, type EngineOptions } from "../stream-engine.js";
import { StreamState } from "../stream-state.js";
import { parseTableName } from "../table-name.js";
import type { GrpcEndpoint } from "../transport/endpoint.js";
import { GrpcChannel } from "../transport/grpc-channel.js";
import type { StreamCredentials } from "../auth/stream-credentials.js";
import type { Log } from "../logging/log.js";
import { resolveArrowStreamOptions, type ResolvedArrowStreamOptions } from "./arrow-options.js";
import { ZerobusArrowStream, type ArrowStreamRecipe } from "./arrow-stream.js";
import type { ArrowTableProperties } from "./arrow-types.js";
import { IpcBatchPreparer } from "./batch-preparer.js";
import { loadBodyCodec } from "./body-codecs.js";
import { declaredSchema } from "./declared-schema.js";
import { flightProtocol } from "./flight-protocol.js";
import { loadArrow, loadAssembler } from "./load-arrow.js";

/** What the SDK lends an Arrow stream. */
export interface ArrowStreamDeps {
  readonly endpoint: GrpcEndpoint;
  readonly rootCertificates: Buffer | undefined;
  readonly userAgent: string;
  /** Where the stream's channel is kept while open, so that closing the SDK closes it too. */
  readonly channels: Set<GrpcChannel>;
  /** Headers for each connection attempt to `tableName`: OAuth (cached), federated or the custom provider. */
  credentials(tableName: string, recoveryTimeoutMs: number): StreamCredentials;
  /** Told of every stream opened, for the churn warning. */
  opening(tableName: string, logger: Log): void;
}

/** The engine's view of the options: each attempt is bounded by both connection timeouts (§1). */
const engineOptions = (options: ResolvedArrowStreamOptions): EngineOptions => ({
  recovery: options.recovery,
  recoveryTimeoutMs: Math.min(options.recoveryTimeoutMs, options.connectionTimeoutMs),
  recoveryBackoffMs: options.recoveryBackoffMs,
  recoveryRetries: options.recoveryRetries,
  serverLackOfAckTimeoutMs: options.serverLackOfAckTimeoutMs,
  flushTimeoutMs: options.flushTimeoutMs,
  streamPausedMaxWaitTimeMs: options.streamPausedMaxWaitTimeMs,
  ackCallback: undefined,
  logger: options.logger,
});

/** Batches in flight, bounded by count and by bytes; a batch's size is checked frame by frame instead. */
const arrowLimits = (options: ResolvedArrowStreamOptions): EngineLimits => ({
  unit: "entries",
  maxInflight: options.maxInflightBatches,
  maxInflightBytes: options.maxInflightBytes,
  maxEntryBytes: Infinity,
  entryTooLarge: () => "",
});

function tableProperties(input: unknown): ArrowTableProperties {
  if (typeof input !== "object" || input === null) {
    throw new NonRetriableException("createArrowStream: tableProperties must be { tableName, schemaFields } or { tableName, schema }");
  }
  parseTableName((input as { tableName?: unknown }).tableName);
  return input as ArrowTableProperties;
}

/** See the module comment. */
export async function openArrowStream(recipe: ArrowStreamRecipe, deps: ArrowStreamDeps): Promise<ZerobusArrowStream> {
  const properties = tableProperties(recipe.tableProperties);
  const { tableName } = properties;
  const options = resolveArrowStreamOptions(recipe.options);
  const credentials = deps.credentials(tableName, options.recoveryTimeoutMs);
  const arrow = await loadArrow();
  const assembler = await loadAssembler();
  const declared = declaredSchema(arrow, properties);
  const codec = options.ipcCompression === undefined ? undefined : await loadBodyCodec(options.ipcCompression);
  const meter = await resolveMeter(options);
  deps.opening(tableName, options.logger);
  const channel = new GrpcChannel({ endpoint: deps.endpoint, userAgent: deps.userAgent, rootCertificates: deps.rootCertificates, ownConnection: true });
  deps.channels.add(channel);
  const closeChannel = (): void => {
    deps.channels.delete(channel);
    channel.close();
  };
  let otel: OtelRegistration | undefined;
  const engine: StreamEngine = new StreamEngine({
    channel,
    options: engineOptions(options),
    protocol: flightProtocol(declared.message, codec),
    limits: arrowLimits(options),
    getHeaders: (signal) => credentials.getHeaders(signal),
    invalidateCredentials: () => credentials.invalidate(),
    tableName,
    onEnded: () => {
      otel?.unregister();
      // A failed stream's call is gone; a closing one still waits for the server's status (closed below).
      if (engine.state === StreamState.FAILED) closeChannel();
    },
  });
  if (meter) {
    const target = { table: tableName, serverAddress: deps.endpoint.host, serverPort: deps.endpoint.port };
    otel = registerOtelMetrics(engine.metrics, meter, otelStreamAttributes(target));
  }
  await engine.open();
  return new ZerobusArrowStream(engine, new IpcBatchPreparer(arrow, assembler, declared), tableName, options, recipe, closeChannel);
}
