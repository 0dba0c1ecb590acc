import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import { StreamState } from "../stream-state.js";
import { TableProperties } from "../table-properties.js";
import { FAST, TABLE, staticHeaders, within } from "../test-support/fixtures.js";
import { startScriptedServer } from "../test-support/scripted-server.js";
import { abortError, abortable, isAbortError, throwIfAborted, waitForAckArguments } from "./abortable.js";

/** How many "abort" listeners a signal holds, seen through Node's EventTarget internals (test-only). */
function abortListeners(signal: AbortSignal): number {
  const symbol = Object.getOwnPropertySymbols(signal).find((s) => s.description === "kEvents");
  const events = symbol ? ((signal as unknown as Record<symbol, Map<string, { size: number }>>)[symbol]) : undefined;
  return events?.get("abort")?.size ?? 0;
}

describe("abortable", () => {
  it("returns the promise itself without a signal", () => {
    const p = Promise.resolve(1);
    assert.equal(abortable(p, undefined), p);
  });

  it("settles as the promise does and removes its listener", async () => {
    const controller = new AbortController();
    assert.equal(await abortable(Promise.resolve(7), controller.signal), 7);
    await assert.rejects(abortable(Promise.reject(new Error("boom")), controller.signal), /boom/);
    assert.equal(abortListeners(controller.signal), 0);
  });

  it("rejects with a DOMException AbortError carrying the reason, and leaves the promise running", async () => {
    const controller = new AbortController();
    let resolveInner!: (v: string) => void;
    const inner = new Promise<string>((r) => (resolveInner = r));
    let cleanedUp = 0;
    const waited = abortable(inner, controller.signal, { onAbort: () => cleanedUp++ });
    assert.equal(abortListeners(controller.signal), 1, "one listener while waiting");
    controller.abort(new Error("user gave up"));
    const err = await waited.catch((e: unknown) => e);
    assert.ok(err instanceof DOMException);
    assert.equal(err.name, "AbortError");
    assert.equal((err.cause as Error).message, "user gave up");
    assert.ok(isAbortError(err));
    assert.equal(cleanedUp, 1);
    assert.equal(abortListeners(controller.signal), 0);
    resolveInner("still done");
    assert.equal(await inner, "still done");
  });

  it("rejects at once on an aborted signal and swallows a later rejection of the promise", async () => {
    const signal = AbortSignal.abort();
    let rejectInner!: (e: Error) => void;
    const inner = new Promise<never>((_, r) => (rejectInner = r));
    await assert.rejects(abortable(inner, signal), { name: "AbortError" });
    let unhandled = false;
    const onUnhandled = () => (unhandled = true);
    process.once("unhandledRejection", onUnhandled);
    rejectInner(new Error("late"));
    await new Promise((r) => setImmediate(r));
    process.removeListener("unhandledRejection", onUnhandled);
    assert.equal(unhandled, false);
  });

  it("throwIfAborted, abortError and waitForAck's two argument shapes", () => {
    throwIfAborted(undefined);
    throwIfAborted(new AbortController().signal);
    assert.throws(() => throwIfAborted(AbortSignal.abort(), "ingestAll"), { name: "AbortError", message: "ingestAll was aborted" });
    assert.equal(abortError().cause, undefined);
    const signal = new AbortController().signal;
    assert.deepEqual(waitForAckArguments(undefined), { timeoutSec: undefined, signal: undefined });
    assert.deepEqual(waitForAckArguments(2), { timeoutSec: 2, signal: undefined });
    assert.deepEqual(waitForAckArguments({ signal }), { timeoutSec: undefined, signal });
    assert.deepEqual(waitForAckArguments({ timeoutSec: 1, signal }), { timeoutSec: 1, signal });
  });
});

describe("abortable waits on a real stream (until the engine takes a signal itself)", () => {
  it("an aborted waitForAck/waitForOffset/flush rejects with AbortError and leaves the record and the stream alone", async () => {
    const server = await startScriptedServer(async (call) => {
      await call.next();
      call.sendCreateResponse("manual");
    });
    try {
      const sdk = new ZerobusSdk(server.endpoint, "http://127.0.0.1:1");
      const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON }, staticHeaders());
      const call = await server.call(0);
      const ack = await stream.ingestRecord({ n: 0 });
      const controller = new AbortController();
      const waits = [abortable(ack.waitForAck(), controller.signal), abortable(stream.waitForOffset(0n), controller.signal), abortable(stream.flush(), controller.signal)];
      await call.nextIngest();
      controller.abort();
      for (const wait of waits) await assert.rejects(wait, { name: "AbortError" });
      assert.equal(ack.isDone(), false, "the record is still in flight");
      assert.equal(stream.getUnackedRecords().length, 1);

      // The stream carries on: more records, the acknowledgment, a normal flush and close.
      await stream.ingestRecordOffset({ n: 1 });
      call.ack((await call.nextIngest())!.offset);
      assert.equal(await within(ack.waitForAck(), 5000, "ack"), 0n);
      await stream.flush();
      assert.equal(stream.getState(), StreamState.OPENED);
      const closing = abortable(stream.close(), AbortSignal.abort());
      await assert.rejects(closing, { name: "AbortError" });
      await within(stream.close(), 5000, "close");
      assert.equal(stream.getState(), StreamState.CLOSED);
      sdk.close();
    } finally {
      await server.close();
    }
  });
});
