import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { once } from "node:events";
import { describe, it } from "node:test";
import { MessageChannel, Worker } from "node:worker_threads";
import { until } from "../test-support/fixtures.js";
import { CONTROL } from "./protocol.js";
import { syncWorkerPath, workerBootstrap } from "./worker-location.js";

describe("worker location", () => {
  it("finds the worker script next to this module, with the same extension", () => {
    const path = syncWorkerPath();
    assert.match(path, /sync[\\/]sync-worker\.ts$/);
    assert.ok(existsSync(path));
  });

  it("reports a script that cannot load through the port and the DEAD flag", async () => {
    const control = new SharedArrayBuffer(CONTROL.LENGTH * 4);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerBootstrap("/nonexistent/sync-worker.js"), { eval: true, workerData: { control, port: port2 }, transferList: [port2] });
    try {
      const [message] = (await once(port1, "message")) as [{ dead: string }];
      assert.match(message.dead, /Cannot find module|ERR_MODULE_NOT_FOUND/);
      const cells = new Int32Array(control);
      // The message is posted before the flag is raised (and the sequence bumped): wait for both.
      await until(() => Atomics.load(cells, CONTROL.DEAD) === 1 && Atomics.load(cells, CONTROL.SEQ) > 0, 5000, "the DEAD flag and a wake-up");
    } finally {
      port1.close();
      await worker.terminate();
    }
  });
});
