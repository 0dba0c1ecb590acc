/**
 * OpenTelemetry instruments for a stream, reading its {@link StreamMetrics}.
 *
 * Names follow the OpenTelemetry semantic conventions for messaging clients where one fits, and use the
 * `zerobus.client.*` namespace where none does:
 *
 * | Instrument | Kind | Unit | Value |
 * |---|---|---|---|
 * | `messaging.client.sent.messages` | counter (observable) | `{message}` | records ingested (semconv) |
 * | `messaging.client.operation.duration` | histogram | `s` | ingest call → durable ack, per call (semconv) |
 * | `zerobus.client.acked.messages` | counter (observable) | `{message}` | records acknowledged |
 * | `zerobus.client.failed.messages` | counter (observable) | `{message}` | records rejected when the stream failed |
 * | `zerobus.client.sent.bytes` / `zerobus.client.acked.bytes` | counter (observable) | `By` | encoded record bytes |
 * | `zerobus.client.inflight.messages` | up-down counter (observable) | `{message}` | records not yet acknowledged |
 * | `zerobus.client.recoveries` | counter (observable) | `{recovery}` | reconnections |
 * | `zerobus.client.errors` | counter (observable) | `{error}` | errors met (recovered or final) |
 *
 * Counters are observable: they cost nothing until a reader collects, when one batch callback reads the
 * recorder's totals once. Only the duration histogram is recorded as acks arrive, once per acknowledged
 * call (not per record), because OpenTelemetry has no observable histogram.
 *
 * Every measurement carries `messaging.system` and `messaging.system.name` (`databricks.zerobus`; the
 * published messaging metrics require the former, semantic-conventions 1.45 renames it to the latter),
 * `messaging.operation.name` (`ingest`), `messaging.operation.type` (`send`), `messaging.destination.name`
 * (the table) and `server.address`/`server.port` when known.
 */
import type { StreamMetrics } from "./stream-metrics.js";
import type { OtelAttributes, OtelBatchObservableCallback, OtelMeter, OtelObservable } from "./otel-types.js";

/** The instrumentation scope name the SDK's meter is created with. */
export const OTEL_SCOPE_NAME = "@zerobus-ts/sdk";

/** The value of `messaging.system` / `messaging.system.name`. */
export const OTEL_MESSAGING_SYSTEM = "databricks.zerobus";

/** Bucket boundaries (seconds) the semantic conventions recommend for operation durations. */
export const DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Instrument names, for dashboards and tests. */
export const OTEL_INSTRUMENTS = Object.freeze({
  sentMessages: "messaging.client.sent.messages",
  operationDuration: "messaging.client.operation.duration",
  ackedMessages: "zerobus.client.acked.messages",
  failedMessages: "zerobus.client.failed.messages",
  sentBytes: "zerobus.client.sent.bytes",
  ackedBytes: "zerobus.client.acked.bytes",
  inflightMessages: "zerobus.client.inflight.messages",
  recoveries: "zerobus.client.recoveries",
  errors: "zerobus.client.errors",
} as const);

/** Where a stream writes: the attributes of its measurements. */
export interface OtelStreamTarget {
  /** The table name (`messaging.destination.name`). */
  table: string;
  /** The Zerobus endpoint host (`server.address`). */
  serverAddress?: string | undefined;
  /** The endpoint port (`server.port`). */
  serverPort?: number | undefined;
  /** Extra attributes the application wants on every measurement. */
  extra?: OtelAttributes | undefined;
}

/** The attributes of every measurement of a stream; see the module comment. */
export function otelStreamAttributes(target: OtelStreamTarget): OtelAttributes {
  const attributes: OtelAttributes = {
    "messaging.system": OTEL_MESSAGING_SYSTEM,
    "messaging.system.name": OTEL_MESSAGING_SYSTEM,
    "messaging.operation.name": "ingest",
    "messaging.operation.type": "send",
    "messaging.destination.name": target.table,
  };
  if (target.serverAddress) attributes["server.address"] = target.serverAddress;
  if (target.serverPort !== undefined) attributes["server.port"] = target.serverPort;
  return { ...attributes, ...target.extra };
}

/** Handle returned by {@link registerOtelMetrics}. */
export interface OtelRegistration {
  /** Stops reporting: removes the observable callback and the ack listener. Idempotent. */
  unregister(): void;
}

const INT = 0; // the API's ValueType.INT, without importing the API

/**
 * Creates the stream's instruments on `meter` and reports `metrics` through them with `attributes` (see
 * {@link otelStreamAttributes}). Call `unregister()` once the stream is closed or failed (after a last
 * collection, if the final totals must be exported).
 */
export function registerOtelMetrics(metrics: StreamMetrics, meter: OtelMeter, attributes: OtelAttributes): OtelRegistration {
  const counter = (name: string, unit: string, description: string) =>
    meter.createObservableCounter(name, { unit, description, valueType: INT });
  const sentMessages = counter(OTEL_INSTRUMENTS.sentMessages, "{message}", "Records ingested (accepted by ingest calls).");
  const ackedMessages = counter(OTEL_INSTRUMENTS.ackedMessages, "{message}", "Records acknowledged as durable by the server.");
  const failedMessages = counter(OTEL_INSTRUMENTS.failedMessages, "{message}", "Records rejected for good when the stream failed.");
  const sentBytes = counter(OTEL_INSTRUMENTS.sentBytes, "By", "Encoded bytes of the records ingested.");
  const ackedBytes = counter(OTEL_INSTRUMENTS.ackedBytes, "By", "Encoded bytes of the records acknowledged.");
  const recoveries = counter(OTEL_INSTRUMENTS.recoveries, "{recovery}", "Reconnections of the stream.");
  const errors = counter(OTEL_INSTRUMENTS.errors, "{error}", "Errors met by the stream, recovered or final.");
  const inflight = meter.createObservableUpDownCounter(OTEL_INSTRUMENTS.inflightMessages, {
    unit: "{message}",
    description: "Records ingested and not yet acknowledged.",
    valueType: INT,
  });
  const duration = meter.createHistogram(OTEL_INSTRUMENTS.operationDuration, {
    unit: "s",
    description: "Time from an ingest call to the acknowledgment that made its records durable.",
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });

  const observables: OtelObservable[] = [sentMessages, ackedMessages, failedMessages, sentBytes, ackedBytes, recoveries, errors, inflight];
  const observe: OtelBatchObservableCallback = (result) => {
    const t = metrics.totals();
    result.observe(sentMessages, t.recordsIngested, attributes);
    result.observe(ackedMessages, t.recordsAcked, attributes);
    result.observe(failedMessages, t.recordsFailed, attributes);
    result.observe(sentBytes, t.bytesIngested, attributes);
    result.observe(ackedBytes, t.bytesAcked, attributes);
    result.observe(recoveries, t.recoveries, attributes);
    result.observe(errors, t.errors, attributes);
    result.observe(inflight, t.inflightRecords, attributes);
  };
  meter.addBatchObservableCallback(observe, observables);
  const stopListening = metrics.addAckListener((latencyMs) => {
    try {
      duration.record(latencyMs / 1000, attributes);
    } catch {
      // A misbehaving metrics SDK must not break ack processing.
    }
  });

  let registered = true;
  return {
    unregister() {
      if (!registered) return;
      registered = false;
      stopListening();
      meter.removeBatchObservableCallback(observe, observables);
    },
  };
}
