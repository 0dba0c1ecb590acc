/**
 * The `meter` / `meterProvider` stream options → one OpenTelemetry `Meter`, or none.
 *
 * `@opentelemetry/api` is an optional peer dependency. A `Meter` or `MeterProvider` object passed by the
 * application is used as it is (its own API package made it), so the SDK never imports the API for it.
 * Only `meterProvider: "global"` needs the API (to read the globally registered provider): it is imported
 * then, lazily, and a missing package is reported as a clear error instead of a failed `import`.
 */
import { NonRetriableException } from "../errors.js";
import { SDK_VERSION } from "../version.js";
import { OTEL_SCOPE_NAME } from "./otel-metrics.js";
import type { OtelMeter, OtelMeterProvider } from "./otel-types.js";

/** The metrics options of a stream. */
export interface MeterOptions {
  /** A `Meter` to create the stream's instruments on. */
  meter?: OtelMeter | undefined;
  /**
   * A `MeterProvider` to get the SDK's meter from (scope `@zerobus-ts/sdk`), or `"global"` for the one
   * registered with `metrics.setGlobalMeterProvider` (needs `@opentelemetry/api` installed).
   */
  meterProvider?: OtelMeterProvider | "global" | undefined;
}

const isMeter = (v: unknown): v is OtelMeter =>
  typeof v === "object" && v !== null && typeof (v as OtelMeter).createHistogram === "function" &&
  typeof (v as OtelMeter).addBatchObservableCallback === "function";

const isProvider = (v: unknown): v is OtelMeterProvider =>
  typeof v === "object" && v !== null && typeof (v as OtelMeterProvider).getMeter === "function";

/** Checks the options without loading anything; throws {@link NonRetriableException} naming the problem. */
export function validateMeterOptions(options: MeterOptions): void {
  const { meter, meterProvider } = options;
  if (meter !== undefined && meterProvider !== undefined) {
    throw new NonRetriableException("Stream options 'meter' and 'meterProvider' both set the OpenTelemetry meter: give one");
  }
  if (meter !== undefined && !isMeter(meter)) {
    throw new NonRetriableException("Invalid stream option 'meter': expected an OpenTelemetry Meter");
  }
  if (meterProvider !== undefined && meterProvider !== "global" && !isProvider(meterProvider)) {
    throw new NonRetriableException("Invalid stream option 'meterProvider': expected an OpenTelemetry MeterProvider or \"global\"");
  }
}

/** Loads `@opentelemetry/api` (only for `"global"`); an import in a function so nothing loads it otherwise. */
async function globalMeterProvider(): Promise<OtelMeterProvider> {
  let api: { metrics: { getMeterProvider(): OtelMeterProvider } };
  try {
    api = await import("@opentelemetry/api");
  } catch (err) {
    throw new NonRetriableException("meterProvider: \"global\" needs the optional peer dependency @opentelemetry/api: npm install @opentelemetry/api", { cause: err });
  }
  return api.metrics.getMeterProvider();
}

/** The meter the options designate, or `undefined` when metrics export is off (the default). */
export async function resolveMeter(options: MeterOptions): Promise<OtelMeter | undefined> {
  validateMeterOptions(options);
  if (options.meter) return options.meter;
  const provider = options.meterProvider;
  if (provider === undefined) return undefined;
  const source = provider === "global" ? await globalMeterProvider() : provider;
  return source.getMeter(OTEL_SCOPE_NAME, SDK_VERSION);
}
