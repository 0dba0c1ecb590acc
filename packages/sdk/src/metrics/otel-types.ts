/**
 * The few OpenTelemetry metrics API shapes the SDK uses, declared structurally. `@opentelemetry/api` is an
 * optional peer dependency: the SDK's code and its published types must not need it, yet a real `Meter` or
 * `MeterProvider` from it must be accepted as is. These interfaces are the subset of the API's own (1.4 and
 * later) that the adapter calls, so the real objects satisfy them.
 */

/** An attribute value, as the OpenTelemetry API accepts it. */
export type OtelAttributeValue = string | number | boolean;

/** Attributes attached to every measurement. */
export type OtelAttributes = Record<string, OtelAttributeValue>;

/** Options of an instrument (`MetricOptions`). */
export interface OtelInstrumentOptions {
  /** Human-readable description. */
  description?: string;
  /** UCUM unit, e.g. `s`, `By`, `{message}`. */
  unit?: string;
  /** 0 = integer values, 1 = doubles (the API's `ValueType`). */
  valueType?: number;
  /** Hints to the SDK, e.g. histogram bucket boundaries. */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** An observable instrument; opaque to the adapter. */
export type OtelObservable = object;

/** A synchronous histogram (`Histogram`). */
export interface OtelHistogram {
  /** Records one measurement. */
  record(value: number, attributes?: OtelAttributes): void;
}

/** What a batch observable callback receives (`BatchObservableResult`). */
export interface OtelBatchObservableResult {
  /** Reports the current value of `observable`. */
  observe(observable: OtelObservable, value: number, attributes?: OtelAttributes): void;
}

/** Callback reporting several observables at once. */
export type OtelBatchObservableCallback = (result: OtelBatchObservableResult) => void | Promise<void>;

/** A `Meter`: what `meterProvider.getMeter(name, version)` returns. */
export interface OtelMeter {
  /** Creates a histogram. */
  createHistogram(name: string, options?: OtelInstrumentOptions): OtelHistogram;
  /** Creates an observable (asynchronous) monotonic counter. */
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** Creates an observable (asynchronous) up-down counter. */
  createObservableUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** Registers one callback observing several instruments per collection. */
  addBatchObservableCallback(callback: OtelBatchObservableCallback, observables: OtelObservable[]): void;
  /** Removes a callback registered with `addBatchObservableCallback`. */
  removeBatchObservableCallback(callback: OtelBatchObservableCallback, observables: OtelObservable[]): void;
}

/** A `MeterProvider`. */
export interface OtelMeterProvider {
  /** Returns a meter for the named instrumentation scope. */
  getMeter(name: string, version?: string): OtelMeter;
}
