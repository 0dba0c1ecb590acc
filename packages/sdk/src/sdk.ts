/**
 * `ZerobusSdk`: the entry point. It holds one gRPC channel to the Zerobus endpoint, shared by all its
 * streams, and creates streams in either official argument order.
 */
import { collectStreamHeaders, normalizeHeadersProvider, type HeadersProviderInput } from "./auth/headers-provider.js";
import { OAuthHeadersProvider } from "./auth/oauth-headers-provider.js";
import { workspaceIdFromEndpoint } from "./auth/workspace-id.js";
import { NonRetriableException } from "./errors.js";
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
}

const isText = (v: unknown): v is string => typeof v === "string";

/** The client for one Zerobus endpoint and workspace. */
export class ZerobusSdk {
  /** The Zerobus endpoint, as given. */
  readonly serverEndpoint: string;
  /** The workspace (Unity Catalog) URL tokens are requested from, as given. */
  readonly workspaceUrl: string;
  readonly #endpoint: GrpcEndpoint;
  readonly #rootCertificates: Buffer | undefined;
  #channel: GrpcChannel | undefined;
  /** The Arrow streams' channels (one each), closed with the SDK. */
  readonly #arrowChannels = new Set<GrpcChannel>();

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

  /** Closes the channel (and the Arrow streams' own). Open streams are cancelled; close them first to flush. */
  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
    for (const channel of this.#arrowChannels) channel.close();
    this.#arrowChannels.clear();
  }

  async #open(recipe: StreamRecipe): Promise<ZerobusStream> {
    const table = normalizeTableProperties(recipe.tableProperties);
    const options = resolveStreamOptions(recipe.options);
    if (options.recordType === "proto" && !table.descriptor) {
      throw new NonRetriableException("Proto descriptor is required for Proto record type: pass one in TableProperties");
    }
    const getHeaders = this.#headersSource(recipe, table.tableName);
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
    this.#channel ??= new GrpcChannel({ endpoint: this.#endpoint, userAgent: SDK_IDENTIFIER, rootCertificates: this.#rootCertificates });
    let otel: OtelRegistration | undefined;
    const engine = new StreamEngine({
      channel: this.#channel,
      options,
      protocol: recordProtocol(wireRecordType, createRequest, options),
      limits: recordStreamLimits(options.maxInflightRecords, MAX_MESSAGE_BYTES),
      getHeaders,
      tableName: table.tableName,
      onEnded: () => otel?.unregister(),
    });
    if (meter) {
      const target = { table: table.tableName, serverAddress: this.#endpoint.host, serverPort: this.#endpoint.port };
      otel = registerOtelMetrics(engine.metrics, meter, otelStreamAttributes(target));
    }
    await engine.open();
    return new ZerobusStream(engine, encode, table.tableName, options, recipe);
  }

  #openArrow(recipe: ArrowStreamRecipe): Promise<ZerobusArrowStream> {
    return openArrowStream(recipe, {
      endpoint: this.#endpoint,
      rootCertificates: this.#rootCertificates,
      channels: this.#arrowChannels,
      headersSource: (tableName) => this.#headersSource(recipe, tableName),
    });
  }

  /** Where each connection attempt gets its headers: the custom provider, or a fresh OAuth token. */
  #headersSource(recipe: StreamRecipe | ArrowStreamRecipe, tableName: string): (signal: AbortSignal) => Promise<Array<[string, string]>> {
    if (recipe.headersProvider !== undefined && recipe.headersProvider !== null) {
      const provider = normalizeHeadersProvider(recipe.headersProvider);
      return () => collectStreamHeaders(provider, tableName, SDK_IDENTIFIER);
    }
    const { clientId, clientSecret } = recipe;
    if (!isText(clientId) || clientId === "" || !isText(clientSecret) || clientSecret === "") {
      throw new NonRetriableException("createStream: clientId and clientSecret must be non-empty strings (or pass a headers provider)");
    }
    if (this.workspaceUrl === "") throw new NonRetriableException("createStream: a workspace URL is required for OAuth");
    const oauth = new OAuthHeadersProvider({
      clientId,
      clientSecret,
      tableName,
      workspaceUrl: this.workspaceUrl,
      workspaceId: workspaceIdFromEndpoint(this.serverEndpoint),
      rootCertificates: this.#rootCertificates,
    });
    return (signal) => collectStreamHeaders(() => oauth.getHeaders({ signal }), tableName, SDK_IDENTIFIER);
  }
}
