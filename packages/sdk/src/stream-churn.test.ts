import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toLog } from "./logging/log.js";
import { StreamChurnMonitor } from "./stream-churn.js";

function capture() {
  const warnings: unknown[][] = [];
  return { warnings, log: toLog({ warn: (...args: unknown[]) => warnings.push(args) }) };
}

describe("stream churn warning", () => {
  it("warns once when 100 streams for one table are created within 60 s, not for slower or spread creation", () => {
    const { warnings, log } = capture();
    const monitor = new StreamChurnMonitor();
    for (let i = 0; i < 99; i++) monitor.note("main.a.t", log, i * 100);
    for (let i = 0; i < 200; i++) monitor.note(`main.a.t${i}`, log, 10_000); // other tables do not count
    assert.equal(warnings.length, 0);
    monitor.note("main.a.t", log, 10_000);
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]![0]), /100 or more streams were created for table main\.a\.t within 60 s/);
    for (let i = 0; i < 300; i++) monitor.note("main.a.t", log, 10_001 + i);
    assert.equal(warnings.length, 1, "one warning per window");
    const slow = new StreamChurnMonitor();
    for (let i = 0; i < 300; i++) slow.note("main.a.t", log, i * 700); // 86 per minute
    assert.equal(warnings.length, 1);
  });

  it("ZEROBUS_SDK_WARNINGS_ENABLED=false silences it", () => {
    const { warnings, log } = capture();
    const monitor = new StreamChurnMonitor();
    process.env.ZEROBUS_SDK_WARNINGS_ENABLED = "false";
    try {
      for (let i = 0; i < 150; i++) monitor.note("main.a.t", log, i);
    } finally {
      delete process.env.ZEROBUS_SDK_WARNINGS_ENABLED;
    }
    assert.equal(warnings.length, 0);
  });
});
