import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { DEFAULT_ARROW_STREAM_OPTIONS, resolveArrowStreamOptions } from "./arrow-options.js";
import { IpcCompressionType } from "./arrow-types.js";

describe("resolveArrowStreamOptions", () => {
  it("applies the official defaults", () => {
    const options = resolveArrowStreamOptions(undefined);
    assert.equal(options, DEFAULT_ARROW_STREAM_OPTIONS);
    assert.deepEqual(
      [options.maxInflightBatches, options.recoveryRetries, options.recoveryTimeoutMs, options.recoveryBackoffMs, options.connectionTimeoutMs, options.flushTimeoutMs, options.serverLackOfAckTimeoutMs],
      [1_000, 4, 15_000, 2_000, 30_000, 300_000, 60_000],
    );
    assert.equal(options.ipcCompression, undefined);
    assert.equal(options.maxInflightBytes, 64 * 1024 * 1024);
  });

  it("takes the official names and Python's snake_case ones; any other compression value means none", () => {
    const options = resolveArrowStreamOptions({ max_inflight_batches: 7, ipcCompression: IpcCompressionType.Zstd, recovery: false });
    assert.equal(options.maxInflightBatches, 7);
    assert.equal(options.ipcCompression, IpcCompressionType.Zstd);
    assert.equal(options.recovery, false);
    assert.equal(resolveArrowStreamOptions({ ipc_compression: 5 }).ipcCompression, undefined);
  });

  it("refuses unknown options (ackCallback included), zero and negative numbers, naming the option", () => {
    const refused = (pattern: RegExp) => (err: unknown) => err instanceof NonRetriableException && pattern.test(err.message);
    assert.throws(() => resolveArrowStreamOptions({ ackCallback: () => {} }), refused(/Unknown Arrow stream option 'ackCallback'/));
    assert.throws(() => resolveArrowStreamOptions({ maxInflightBatches: 0 }), refused(/'maxInflightBatches': expected a positive integer/));
    assert.throws(() => resolveArrowStreamOptions({ recoveryRetries: -1 }), refused(/'recoveryRetries'/));
    assert.throws(() => resolveArrowStreamOptions({ maxInflightBytes: 1.5 }), refused(/'maxInflightBytes'/));
  });
});
