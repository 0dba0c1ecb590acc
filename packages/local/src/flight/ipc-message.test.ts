import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { IpcMessageError, readIpcMessage } from "./ipc-message.js";
import { ipcFrames } from "./test-support/raw-flight-client.js";

describe("readIpcMessage", () => {
  it("survives every 32-bit word of a schema or batch header replaced by a huge count (no runaway decoding)", () => {
    const table = new arrow.Table({ a: arrow.vectorFromArray([1, 2], new arrow.Int32()), b: arrow.vectorFromArray(["x", null], new arrow.Utf8()) });
    const frames = ipcFrames(table);
    let refused = 0;
    for (const header of [frames.schema, frames.batches[0]!.header]) {
      for (let at = 0; at + 4 <= header.length; at++) {
        for (const value of [0x7fffffff, 0x01000000, 65_535]) {
          const mutated = Uint8Array.from(header);
          new DataView(mutated.buffer).setInt32(at, value, true);
          try {
            const message = readIpcMessage(mutated);
            if (message.kind === "schema") assert.ok(message.schema.fields.length < 1_000);
            if (message.kind === "record-batch") assert.ok(message.header.nodes.length < 1_000 && message.header.buffers.length < 1_000);
          } catch (err) {
            assert.ok(err instanceof IpcMessageError, String(err));
            refused++;
          }
        }
      }
    }
    assert.ok(refused > 0);
  });

  it("refuses a header over the size limit and one too short to be a message", () => {
    assert.throws(() => readIpcMessage(new Uint8Array(2 * 1024 * 1024)), /over the 1048576-byte limit/);
    assert.throws(() => readIpcMessage(new Uint8Array(4)), /too short/);
  });
});
