/**
 * `ZerobusSdk`: the entry point. It creates streams in either official argument order, gives each its own
 * HTTP/2 connection (or one shared by all, with `connectionPerStream: false`), and keeps the token cache
 * its OAuth streams share.
 */
import type { HeadersProviderInput } from "./auth/headers-provider.js";
import {
  clientCredentials,
  federatedCredentials,
  providerCredentials,
  type CredentialContext,
  type StreamCredentials,
} from "./auth/stream-credentials.js";
import type { SubjectTokenSupplier } from "./auth/subject-token.js";
import { TokenCache } from "./auth/token-cache.js";
import { NonRetriableException } from "./errors.js";
import { toLog, type Log, type LoggerLike } from "./logging/log.js";
import { StreamChurnMonitor } from "./stream-churn.js";
import { userAgentFor } from "./user-agent.js";
import { MAX_MESSAGE_BYTES, resolveStreamOptions, type StreamConfigurationOptions } from "./options.js";
import { createRecordEncoder } from "./record-encoding.js";
import { otelStreamAttributes, registerOtelMetrics, type OtelRegistration } from "./metrics/otel-metrics.js";
import { resolveMeter } from "./metrics/resolve-meter.js";
import { StreamEngine, recordStreamLimits } from "./stream-engine.js";
import { recordProtocol } from "./record-protocol.js";
import { isTerminal } from "./stream-state.js";
import { ZerobusStream, type StreamRecipe } from "./stream.js";
import { normalizeTableProperties, type TablePropertiesInput } from "./table-properties.js";
import { parseEndpoint, type GrpcEndpoint } from "./transport/endpoint.js";
import { GrpcChannel } from "./transport/grpc-channel.js";
import { SDK_IDENTIFIER } from "./version.js";
import { openArrowStream } from "./arrow/open-arrow-stream.js";
import type { ArrowStreamConfigurationOptions } from "./arrow/arrow-options.js";
import { ZerobusArrowStream, type ArrowStreamRecipe } from "./arrow/arrow-stream.js";
import type { ArrowTableProperties } from "./arrow/arrow-types.js";
import { WIRE_RECORD_TYPE, encodeCreateStreamRequest } from "./wire/request-encoder.js";

/** Connection settings beyond the endpoint and workspace URL. */
export interface ZerobusSdkOptions {
  /**
   * PEM root certificate(s) to trust instead of the system's, for the Zerobus endpoint and the OAuth token
   * request, e.g. the certificate of a local service started with `--tls-cert`.
   */
  rootCertificates?: Buffer | string;
  /**
   * Your application's name, sent in the user agent after the SDK's (`zerobus-ts/<version> <name>`), as the
   * official SDKs' third constructor argument does. Printable ASCII, at most 256 characters; anything else
   * is a `NonRetriableException`. Default: none.
   */
  applicationName?: string | undefined;
  /**
   * Give every stream its own HTTP/2 connection (default `true`, the official default since core 2.9: one
   * shared connection caps the throughput of many concurrent streams). `false` multiplexes all streams of
   * this SDK over one connection.
   */
  connectionPerStream?: boolean | undefined;
  /**
   * Reuse OAuth tokens across streams and reconnects, per (credentials, table), until they are within
   * `tokenRefreshBufferMs` of expiry (default `true`; the official `token_cache_enabled`). `false` requests a
   * token for every connection attempt. Custom headers providers are never cached.
   */
  tokenCacheEnabled?: boolean | undefined;
  /** How long before a cached token expires it is refreshed, in ms (at most half its lifetime). Default 300,000 (5 min). */
  tokenRefreshBufferMs?: number | undefined;
  /**
   * Where SDK-wide events go (the stream-churn warning); a stream's own `logger` option is used when this
   * is not set. Default: silent.
   */
  logger?: LoggerLike | undefined;
}

/** Default of {@link ZerobusSdkOptions.tokenRefreshBufferMs}: 5 minutes, as the official core. */
export const DEFAULT_TOKEN_REFRESH_BUFFER_MS = 300_000;

const isText = (v: unknown): v is string => typeof v === "string";

/** The client for one Zerobus endpoint and workspace. */
export class ZerobusSdk {
  /** The Zerobus endpoint, as given. */
  readonly serverEndpoint: string;
  /** The workspace (Unity Catalog) URL tokens are requested from, as given. */
  readonly workspaceUrl: string;
  readonly #endpoint: GrpcEndpoint;
  readonly #rootCertificates: Buffer | undefined;
  readonly #userAgent: string;
  readonly #connectionPerStream: boolean;
  readonly #tokenCache: TokenCache | undefined;
  readonly #log: Log | undefined;
  readonly #churn = new StreamChurnMonitor();
  /** The shared channel (`connectionPerStream: false`). */
  #channel: GrpcChannel | undefined;
  /** Every open channel, shared or per stream, so `close()` reaches them all. */
  readonly #channels = new Set<GrpcChannel>();

  /**
   * @param serverEndpoint - `https://<workspace-id>.zerobus.<region>.cloud.databricks.com`, a scheme-less host
   *   (TLS), or `http://host:port` (plaintext, e.g. the local service).
   * @param workspaceUrl - `https://<instance>.cloud.databricks.com`; may be empty when every stream uses a
   *   custom headers provider.
   */
  constructor(serverEndpoint: string, workspaceUrl: string, options: ZerobusSdkOptions = {}) {
    this.#endpoint = parseEndpoint(serverEndpoint);
    if (typeof workspaceUrl !== "string") {
      throw new NonRetriableException(`Invalid workspace URL: expected a string, got ${typeof workspaceUrl}`);
    }
    this.serverEndpoint = serverEndpoint;
    this.workspaceUrl = workspaceUrl;
    const roots = options.rootCertificates;
    this.#rootCertificates = roots === undefined ? undefined : Buffer.from(roots);
    this.#userAgent = userAgentFor(options.applicationName);
    this.#connectionPerStream = booleanOption(options.connectionPerStream, "connectionPerStream", true);
    const buffer = options.tokenRefreshBufferMs ?? DEFAULT_TOKEN_REFRESH_BUFFER_MS;
    if (typeof buffer !== "number" || !Number.isFinite(buffer) || buffer < 0) {
      throw new NonRetriableException(`Invalid tokenRefreshBufferMs: expected a non-negative number of ms, got ${String(buffer)}`);
    }
    const cached = booleanOption(options.tokenCacheEnabled, "tokenCacheEnabled", true);
    this.#tokenCache = cached ? new TokenCache({ refreshBufferMs: buffer }) : undefined;
    this.#log = options.logger === undefined ? undefined : toLog(options.logger);
  }

  /**
   * Opens a stream authenticated with a service principal's OAuth credentials (or with `headersProvider`,
   * in which case the credentials are ignored and may be empty). Python argument order.
   */
  createStream(
    clientId: string,
    clientSecret: string,
    tableProperties: TablePropertiesInput,
    options?: StreamConfigurationOptions,
    headersProvider?: HeadersProviderInput,
  ): Promise<ZerobusStream>;
  /** The same, in the official TypeScript SDK's argument order. */
  createStream(
    tableProperties: TablePropertiesInput,
    clientId: string,
    clientSecret: string,
    options?: StreamConfigurationOptions,
    headersProvider?: HeadersProviderInput,
  ): Promise<ZerobusStream>;
  createStream(...args: unknown[]): Promise<ZerobusStream> {
    const pythonOrder = isText(args[0]);
    const [clientId, clientSecret, tableProperties] = pythonOrder ? [args[0], args[1], args[2]] : [args[1], args[2], args[0]];
    return this.#open({ tableProperties, clientId, clientSecret, options: args[3], headersProvider: args[4] });
  }

  /**
   * Opens a stream authenticated by federated token exchange (RFC 8693; the Python SDK's
   * `create_stream_federated`): `subjectTokenSupplier` returns a JWT from another identity provider (a CI
   * OIDC token, a Kubernetes service-account token file), which the workspace's token endpoint exchanges
   * for a token scoped to the table. No client secret is involved. The supplier is called again for every
   * token refresh; the exchanged token is cached like any other and never outlives the JWT's `exp`.
   *
   * @param clientId - A Databricks service principal's application id, for account-level federation
   *   policies; omit it for workspace-level policies.
   */
  createStreamFederated(
    tableProperties: TablePropertiesInput,
    subjectTokenSupplier: SubjectTokenSupplier,
    clientId?: string,
    options?: StreamConfigurationOptions,
  ): Promise<ZerobusStream> {
    return this.#open({ tableProperties, clientId, clientSecret: "", options, headersProvider: undefined, subjectTokenSupplier });
  }

  /** Opens a stream whose call headers come from `headersProvider` (the Python SDK's method of this name). */
  createStreamWithHeadersProvider(
    headersProvider: HeadersProviderInput,
    tableProperties: TablePropertiesInput,
    options?: StreamConfigurationOptions,
  ): Promise<ZerobusStream> {
    return this.#open({ tableProperties, clientId: "", clientSecret: "", options, headersProvider });
  }

  /**
   * Opens a new stream like `stream` (same table, options and credentials) and re-ingests, in order, every
   * record `stream` never got acknowledged. `stream` must be closed or failed.
   */
  async recreateStream(stream: ZerobusStream): Promise<ZerobusStream> {
    if (!(stream instanceof ZerobusStream)) throw new NonRetriableException("recreateStream: expected a ZerobusStream");
    if (!isTerminal(stream.getState())) {
      throw new NonRetriableException("Stream is not closed. Cannot recreate stream: close it or let it fail first");
    }
    const fresh = await this.#open(stream._recipe);
    for (const batch of stream.getUnackedBatches()) await fresh._ingestEncoded(batch, batch.length > 1);
    return fresh;
  }

  /**
   * Opens an Arrow Flight stream (official TypeScript SDK shape): `tableProperties` names the table and
   * declares its schema, as `schemaFields` or as an apache-arrow `Schema`. Authenticated with a service
   * principal's OAuth credentials, or with `headersProvider` (then the credentials may be empty). Needs the
   * optional peer dependency `apache-arrow`. Each Arrow stream has its own HTTP/2 connection. A schema the
   * server refuses fails here with a {@link NonRetriableException}.
   */
  createArrowStream(
    tableProperties: ArrowTableProperties,
    clientId: string,
    clientSecret: string,
    options?: ArrowStreamConfigurationOptions,
    headersProvider?: HeadersProviderInput,
  ): Promise<ZerobusArrowStream> {
    return this.#openArrow({ tableProperties, clientId, clientSecret, options, headersProvider });
  }

  /**
   * Opens a new Arrow stream like `stream` (same table, schema, options and credentials) and re-ingests, in
   * order, every row `stream` never got acknowledged (new offsets from 0). `stream` must be closed or failed.
   */
  async recreateArrowStream(stream: ZerobusArrowStream): Promise<ZerobusArrowStream> {
    if (!(stream instanceof ZerobusArrowStream)) throw new NonRetriableException("recreateArrowStream: expected a ZerobusArrowStream");
    if (!isTerminal(stream.getState())) {
      throw new NonRetriableException("Stream is not closed. Cannot recreate stream: close it or let it fail first");
    }
    const fresh = await this.#openArrow(stream._recipe);
    for (const batch of await stream.getUnackedBatches()) await fresh._reingest(batch);
    return fresh;
  }

  /** Closes every connection, Arrow streams' included. Open streams are cancelled; close them first to flush. */
  close(): void {
    for (const channel of this.#channels) channel.close();
    this.#channels.clear();
    this.#channel = undefined;
  }

  async #open(recipe: StreamRecipe): Promise<ZerobusStream> {
    const table = normalizeTableProperties(recipe.tableProperties);
    const options = resolveStreamOptions(recipe.options);
    if (options.recordType === "proto" && !table.descriptor) {
      throw new NonRetriableException("Proto descriptor is required for Proto record type: pass one in TableProperties");
    }
    const credentials = this.#credentials(recipe, table.tableName, options.recoveryTimeoutMs);
    const encode = createRecordEncoder(options.recordType, table.descriptor);
    const wireRecordType = options.recordType === "proto" ? WIRE_RECORD_TYPE.PROTO : WIRE_RECORD_TYPE.JSON;
    const createRequest = encodeCreateStreamRequest({
      tableName: table.tableName,
      recordType: wireRecordType,
      // A JSON stream never sends a descriptor, as the official clients do.
      descriptorProto: options.recordType === "proto" ? table.descriptor?.descriptorProto : undefined,
    });
    // Resolved before connecting, so a missing @opentelemetry/api (meterProvider: "global") fails fast.
    const meter = await resolveMeter(options);
    this.#churn.note(table.tableName, this.#log ?? options.logger);
    const channel = this.#channelForStream();
    let otel: OtelRegistration | undefined;
    const engine = new StreamEngine({
      channel,
      options,
      protocol: recordProtocol(wireRecordType, createRequest, options),
      limits: recordStreamLimits(options.maxInflightRecords, MAX_MESSAGE_BYTES),
      getHeaders: (signal) => credentials.getHeaders(signal),
      invalidateCredentials: () => credentials.invalidate(),
      tableName: table.tableName,
      onEnded: () => {
        otel?.unregister();
        if (channel !== this.#channel) this.#closeChannel(channel);
      },
    });
    if (meter) {
      const target = { table: table.tableName, serverAddress: this.#endpoint.host, serverPort: this.#endpoint.port };
      otel = registerOtelMetrics(engine.metrics, meter, otelStreamAttributes(target));
    }
    await engine.open();
    return new ZerobusStream(engine, encode, table.tableName, options, recipe);
  }

  /** A new channel for each stream, or the SDK's shared one. */
  #channelForStream(): GrpcChannel {
    if (!this.#connectionPerStream && this.#channel) return this.#channel;
    const channel = new GrpcChannel({
      endpoint: this.#endpoint,
      userAgent: this.#userAgent,
      rootCertificates: this.#rootCertificates,
      ownConnection: this.#connectionPerStream,
    });
    this.#channels.add(channel);
    if (!this.#connectionPerStream) this.#channel = channel;
    return channel;
  }

  #closeChannel(channel: GrpcChannel): void {
    if (this.#channels.delete(channel)) channel.close();
  }

  #openArrow(recipe: ArrowStreamRecipe): Promise<ZerobusArrowStream> {
    return openArrowStream(recipe, {
      endpoint: this.#endpoint,
      rootCertificates: this.#rootCertificates,
      userAgent: this.#userAgent,
      channels: this.#channels,
      credentials: (tableName, recoveryTimeoutMs) => this.#credentials(recipe, tableName, recoveryTimeoutMs),
      opening: (tableName, logger) => this.#churn.note(tableName, this.#log ?? logger),
    });
  }

  /** Where each connection attempt gets its headers: the custom provider, or a (cached) OAuth token. */
  #credentials(recipe: StreamRecipe, tableName: string, recoveryTimeoutMs: number): StreamCredentials {
    const context: CredentialContext = {
      tableName,
      workspaceUrl: this.workspaceUrl,
      serverEndpoint: this.serverEndpoint,
      rootCertificates: this.#rootCertificates,
      sdkIdentifier: SDK_IDENTIFIER,
      cache: this.#tokenCache,
      // A stalled refresh must leave the attempt time to connect (the official core caps it at half).
      refreshTimeoutMs: Math.max(1, Math.floor(recoveryTimeoutMs / 2)),
    };
    if (recipe.subjectTokenSupplier !== undefined) return federatedCredentials(recipe.subjectTokenSupplier, recipe.clientId, context);
    if (recipe.headersProvider !== undefined && recipe.headersProvider !== null) return providerCredentials(recipe.headersProvider, context);
    return clientCredentials(recipe.clientId, recipe.clientSecret, context);
  }
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw new NonRetriableException(`Invalid ${name}: expected true or false, got ${typeof value}`);
  return value;
}
