/**
 * A DoPut's memory bound, on a call whose table lookup never finishes: frames that keep arriving are
 * counted from their arrival, and the call stops reading (pauses its stream, so HTTP/2 flow control
 * holds the client back) once they reach MAX_UNACKED_BYTES_PER_CALL.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import type { IngestContext } from "../service/call-lifecycle.js";
import { FaultState } from "../service/service-faults.js";
import { DoPutCall, MAX_UNACKED_BYTES_PER_CALL } from "./do-put-call.js";
import type { IncomingFlightData } from "./flight-service.js";

class FakeCall extends EventEmitter {
  readonly metadata = new Metadata();
  pauses = 0;
  resumes = 0;
  constructor() {
    super();
    this.metadata.set("x-databricks-zerobus-table-name", "main.default.t");
  }
  sendMetadata(): void {}
  pause(): this {
    this.pauses++;
    return this;
  }
  resume(): this {
    this.resumes++;
    return this;
  }
  write(_: Buffer, done: () => void): boolean {
    done();
    return true;
  }
  end(): void {}
}

describe("DoPut memory bound", () => {
  it("stops reading once the frames it holds reach the limit, counting frames still queued", () => {
    const call = new FakeCall();
    const ctx = {
      noAuth: true,
      store: { get: () => new Promise(() => {}) }, // the schema frame's table lookup never finishes
      faults: new FaultState(),
      streamLifetimeMs: undefined,
      closeSignalDurationMs: 0,
      calls: new Set(),
    } as unknown as IngestContext;
    new DoPutCall(call as never, ctx).start();
    const frame = (bytes: number): IncomingFlightData => ({
      t: "frame",
      bytes,
      frame: { hasDescriptor: false, dataHeader: new Uint8Array(0), appMetadata: new Uint8Array(0), dataBody: new Uint8Array(0) },
    });
    const third = Math.ceil(MAX_UNACKED_BYTES_PER_CALL / 3);
    call.emit("data", frame(third));
    call.emit("data", frame(third));
    assert.equal(call.pauses, 0, "below the limit the call keeps reading");
    call.emit("data", frame(third));
    assert.equal(call.pauses, 1, "at the limit the call stops reading");
    call.emit("data", frame(third));
    assert.equal(call.pauses, 1);
    assert.equal(call.resumes, 0, "nothing was released");
    call.emit("cancelled");
    assert.equal(ctx.calls.size, 0, "the call removed itself");
  });
});
