import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { metrics as otelApi } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
  type SumMetricData,
} from "@opentelemetry/sdk-metrics";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { OTEL_INSTRUMENTS, otelStreamAttributes, registerOtelMetrics } from "./otel-metrics.js";
import type { OtelMeter, OtelMeterProvider } from "./otel-types.js";
import { resolveMeter } from "./resolve-meter.js";
import { StreamMetrics } from "./stream-metrics.js";

/** A MeterProvider exporting to memory only when the test asks (forceFlush), never on a timer. */
function inMemoryProvider() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect(): Promise<Map<string, MetricData>> {
      exporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resource of exporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
      return byName;
    },
  };
}

const providers: MeterProvider[] = [];
after(() => Promise.all(providers.map((p) => p.shutdown())));

const ATTRIBUTES = otelStreamAttributes({ table: "main.default.events", serverAddress: "127.0.0.1", serverPort: 50051 });
const value = (metric: MetricData | undefined) => (metric as SumMetricData).dataPoints[0]?.value;

describe("OpenTelemetry instruments", () => {
  it("reports the recorder through the SDK's in-memory exporter, with the stream's attributes", async () => {
    const otel = inMemoryProvider();
    providers.push(otel.provider);
    // A real Meter is accepted where the SDK's structural type is expected.
    const meter: OtelMeter = otel.provider.getMeter("@zerobus-ts/sdk");
    const recorder = new StreamMetrics();
    const registration = registerOtelMetrics(recorder, meter, ATTRIBUTES);
    recorder.onIngested(3, 300);
    recorder.onIngested(1, 50);
    recorder.onAcked(3, 300, 20);
    recorder.onRecovery(new ZerobusException("UNAVAILABLE", { grpcCode: 14 }));

    const metrics = await otel.collect();
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.sentMessages)), 4);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.ackedMessages)), 3);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.sentBytes)), 350);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.ackedBytes)), 300);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.inflightMessages)), 1);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.recoveries)), 1);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.errors)), 1);
    assert.equal(value(metrics.get(OTEL_INSTRUMENTS.failedMessages)), 0);

    const sent = metrics.get(OTEL_INSTRUMENTS.sentMessages) as SumMetricData;
    assert.equal(sent.descriptor.unit, "{message}");
    assert.equal(sent.isMonotonic, true);
    assert.deepEqual(sent.dataPoints[0]!.attributes, {
      "messaging.system": "databricks.zerobus",
      "messaging.system.name": "databricks.zerobus",
      "messaging.operation.name": "ingest",
      "messaging.operation.type": "send",
      "messaging.destination.name": "main.default.events",
      "server.address": "127.0.0.1",
      "server.port": 50051,
    });
    assert.equal((metrics.get(OTEL_INSTRUMENTS.inflightMessages) as SumMetricData).isMonotonic, false);

    const duration = metrics.get(OTEL_INSTRUMENTS.operationDuration) as HistogramMetricData;
    assert.equal(duration.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(duration.descriptor.unit, "s");
    const point = duration.dataPoints[0]!.value;
    assert.equal(point.count, 1);
    assert.equal(point.sum, 0.02);
    assert.deepEqual(point.buckets.boundaries.slice(0, 3), [0.005, 0.01, 0.025]);
    assert.equal(point.buckets.counts[2], 1, "20 ms falls in the (0.01, 0.025] bucket");

    // Values move with the recorder; after unregister() they stop moving (cumulative series keep their last value).
    recorder.onAcked(1, 50, 5);
    recorder.onFailed(0, 0);
    const later = await otel.collect();
    assert.equal(value(later.get(OTEL_INSTRUMENTS.ackedMessages)), 4);
    assert.equal(value(later.get(OTEL_INSTRUMENTS.inflightMessages)), 0);
    assert.equal((later.get(OTEL_INSTRUMENTS.operationDuration) as HistogramMetricData).dataPoints[0]!.value.count, 2);
    registration.unregister();
    registration.unregister();
    recorder.onIngested(5, 5);
    recorder.onAcked(1, 1, 1);
    const gone = await otel.collect();
    assert.equal(value(gone.get(OTEL_INSTRUMENTS.sentMessages)), 4, "no more observations");
    assert.equal((gone.get(OTEL_INSTRUMENTS.operationDuration) as HistogramMetricData).dataPoints[0]!.value.count, 2, "no more durations");
  });

  it("adds the application's extra attributes", () => {
    assert.equal(otelStreamAttributes({ table: "t", extra: { "service.instance": "a" } })["service.instance"], "a");
    assert.equal(otelStreamAttributes({ table: "t" })["server.address"], undefined);
  });
});

describe("resolveMeter", () => {
  it("is off by default and uses a given Meter or MeterProvider as is", async () => {
    assert.equal(await resolveMeter({}), undefined);
    const provider = new MeterProvider();
    providers.push(provider);
    const meter = provider.getMeter("app");
    assert.equal(await resolveMeter({ meter }), meter);
    const asked: Array<[string, string | undefined]> = [];
    const wrapper: OtelMeterProvider = { getMeter: (name, version) => (asked.push([name, version]), meter) };
    assert.equal(await resolveMeter({ meterProvider: wrapper }), meter);
    assert.equal(asked[0]![0], "@zerobus-ts/sdk");
    assert.match(asked[0]![1]!, /^\d+\.\d+\.\d+/);
  });

  it('loads @opentelemetry/api lazily for meterProvider: "global"', async () => {
    const otel = inMemoryProvider();
    providers.push(otel.provider);
    assert.ok(otelApi.setGlobalMeterProvider(otel.provider));
    try {
      const meter = await resolveMeter({ meterProvider: "global" });
      registerOtelMetrics(new StreamMetrics(), meter!, ATTRIBUTES);
      const metrics = await otel.collect();
      assert.equal(value(metrics.get(OTEL_INSTRUMENTS.sentMessages)), 0);
    } finally {
      otelApi.disable();
    }
  });

  it("refuses bad or conflicting options", async () => {
    const meter = new MeterProvider().getMeter("x");
    await assert.rejects(resolveMeter({ meter, meterProvider: "global" }), NonRetriableException);
    await assert.rejects(resolveMeter({ meter: {} as never }), /expected an OpenTelemetry Meter/);
    await assert.rejects(resolveMeter({ meterProvider: "local" as never }), /MeterProvider or "global"/);
  });
});
