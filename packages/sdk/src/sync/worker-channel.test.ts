/**
 * The caller's end of the blocking client when its worker cannot start — what a bundled SDK meets, since
 * the worker script is then not next to the code that starts it. The first call must throw the worker's
 * own error (the module it could not find), and every later call the same one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { describe, it } from "node:test";
import { ZerobusException } from "../errors.js";
import { WorkerChannel } from "./worker-channel.js";

const CONFIG = { serverEndpoint: "http://127.0.0.1:1", workspaceUrl: "http://127.0.0.1:1", rootCertificates: undefined, sdkOptions: {} };

describe("worker channel whose worker cannot start", () => {
  it("throws the worker's load error with a hint about bundling, on the first call and after", () => {
    const missing = join(tmpdir(), "zerobus-no-such-dir", "sync", "sync-worker.js");
    const channel = new WorkerChannel(CONFIG, missing);
    try {
      // Blocks until the bootstrap reports the failed import (a missing file fails at once, never hangs).
      const first = catchError(() => channel.call({ op: "state", stream: 1 }));
      assert.ok(first instanceof ZerobusException, String(first));
      assert.match(first.message, /^The blocking client's worker thread stopped: /);
      assert.match(first.message, /Cannot find module|ERR_MODULE_NOT_FOUND/);
      assert.ok(first.message.includes(missing), first.message);
      assert.match(first.message, /bundled into one file, mark it as external/);
      assert.doesNotMatch(first.message, /reply .* to call/);
      assert.equal(catchError(() => channel.call({ op: "state", stream: 1 })), first);
      assert.equal(catchError(() => channel.post({ op: "records", stream: 1, counts: new Uint32Array(0) })), first);
    } finally {
      channel.close();
    }
  });

  it("leaves out the bundling hint when the worker fails for another reason", () => {
    const channel = new WorkerChannel(CONFIG, join(tmpdir(), "zerobus-no-such-dir", "other-script.js"));
    try {
      const error = catchError(() => channel.call({ op: "shutdown" }));
      assert.ok(error instanceof ZerobusException);
      assert.match(error.message, /worker thread stopped: .*(Cannot find module|ERR_MODULE_NOT_FOUND)/s);
      assert.doesNotMatch(error.message, /bundled/);
    } finally {
      channel.close();
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an error");
}
