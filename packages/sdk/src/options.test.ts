import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SILENT_LOG } from "./logging/log.js";
import { NonRetriableException } from "./errors.js";
import { DEFAULT_STREAM_OPTIONS, resolveStreamOptions } from "./options.js";
import { RecordType } from "./record-type.js";

describe("resolveStreamOptions", () => {
  it("applies the Python defaults", () => {
    assert.deepEqual(resolveStreamOptions(undefined), DEFAULT_STREAM_OPTIONS);
    assert.deepEqual(
      { ...resolveStreamOptions({}) },
      {
        maxInflightRecords: 50_000,
        recovery: true,
        recoveryTimeoutMs: 15_000,
        recoveryBackoffMs: 2_000,
        recoveryRetries: 3,
        serverLackOfAckTimeoutMs: 60_000,
        flushTimeoutMs: 300_000,
        recordType: "proto",
        streamPausedMaxWaitTimeMs: undefined,
        ackCallback: undefined,
        logger: SILENT_LOG,
        meter: undefined,
        meterProvider: undefined,
        maxRecordsPerRequest: 10_000,
        maxBytesPerRequest: 256 * 1024,
      },
    );
  });

  it("accepts camelCase, official TS names and Python snake_case", () => {
    const fromTs = resolveStreamOptions({ maxInflightRequests: 10, recordType: RecordType.Json, streamPausedMaxWaitTimeMs: 0 });
    assert.equal(fromTs.maxInflightRecords, 10);
    assert.equal(fromTs.recordType, "json");
    assert.equal(fromTs.streamPausedMaxWaitTimeMs, 0);
    const fromPython = resolveStreamOptions({ max_inflight_records: 7, record_type: RecordType.JSON, recovery_retries: 0, flush_timeout_ms: 5 });
    assert.deepEqual([fromPython.maxInflightRecords, fromPython.recordType, fromPython.recoveryRetries, fromPython.flushTimeoutMs], [7, "json", 0, 5]);
    assert.equal(resolveStreamOptions({ recordType: 2 }).recordType, "json");
    assert.equal(resolveStreamOptions({ recordType: 1 }).recordType, "proto");
  });

  it("rejects bad values, naming the option as given", () => {
    const cases: Array<[object, RegExp]> = [
      [{ maxInflightRecords: -1 }, /'maxInflightRecords'/],
      [{ maxInflightRecords: 0 }, /'maxInflightRecords'/],
      [{ recovery_timeout_ms: 1.5 }, /'recovery_timeout_ms'/],
      [{ recoveryBackoffMs: "2s" }, /'recoveryBackoffMs'.*"2s"/],
      [{ recoveryRetries: -3 }, /'recoveryRetries'/],
      [{ recovery: 1 }, /'recovery'/],
      [{ ackCallback: 5 }, /'ackCallback'/],
      [{ bogus: true }, /Unknown stream option 'bogus'/],
      [{ maxInflightRecords: 5, maxInflightRequests: 6 }, /'maxInflightRecords' and 'maxInflightRequests'/],
      [{ maxRecordsPerRequest: 0 }, /'maxRecordsPerRequest'/],
      [{ maxBytesPerRequest: 11 * 1024 * 1024 }, /'maxBytesPerRequest'.*10 MiB/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => resolveStreamOptions(options), (err: unknown) => err instanceof NonRetriableException && message.test(err.message), JSON.stringify(options));
    }
    assert.throws(() => resolveStreamOptions("fast"), NonRetriableException);
  });

  it("accepts Python's callback_max_wait_time_ms for compatibility", () => {
    assert.doesNotThrow(() => resolveStreamOptions({ callback_max_wait_time_ms: 5000 }));
  });
});
