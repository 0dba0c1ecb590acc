import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { Console } from "node:console";
import { describe, it } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import { SILENT_LOG, isFieldsFirstLogger, toLog, type LoggerLike } from "./log.js";
import { createStreamLogEvents } from "./stream-log-events.js";

/** A logger recording every call's level and arguments. */
function recorder(extra: object = {}): { logger: LoggerLike; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const at = (level: string) => (...args: unknown[]) => void calls.push([level, args]);
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), ...extra }, calls };
}

/** A pino-shaped logger (child + bindings): the fields-first convention. */
const pinoLike = () => recorder({ child() {}, bindings: () => ({}) });

describe("toLog", () => {
  it("is silent without a logger", () => {
    assert.equal(toLog(undefined), SILENT_LOG);
    assert.equal(toLog(null), SILENT_LOG);
    assert.equal(SILENT_LOG.enabled, false);
    assert.equal(toLog(recorder().logger, { level: "silent" }), SILENT_LOG);
  });

  it("calls console-style loggers with (message, fields)", () => {
    const { logger, calls } = recorder();
    const log = toLog(logger);
    log.info("stream opened", { table: "t" });
    log.debug("plain");
    assert.deepEqual(calls, [
      ["info", ["[zerobus] stream opened", { table: "t" }]],
      ["debug", ["[zerobus] plain"]],
    ]);
  });

  it("calls pino-style loggers with (fields, message)", () => {
    const { logger, calls } = pinoLike();
    assert.ok(isFieldsFirstLogger(logger));
    const log = toLog(logger);
    log.warn("lost", { n: 1 });
    log.error("bad");
    assert.deepEqual(calls, [
      ["warn", [{ n: 1 }, "lost"]],
      ["error", [{}, "bad"]],
    ]);
  });

  it("lets the style be forced, and detects bunyan (child + fields)", () => {
    const { logger, calls } = recorder();
    toLog(logger, { style: "fields-first" }).info("x", { a: 1 });
    assert.deepEqual(calls[0], ["info", [{ a: 1 }, "x"]]);
    assert.ok(isFieldsFirstLogger({ child() {}, fields: {} }));
    assert.ok(!isFieldsFirstLogger({ child() {} }), "winston has child() but takes the message first");
  });

  it("drops events below the level and falls back for missing methods, never promoting debug", () => {
    const { logger, calls } = recorder();
    const log = toLog(logger, { level: "warn", prefix: "" });
    log.info("dropped");
    log.warn("kept");
    assert.equal(log.isEnabled("info"), false);
    assert.equal(log.isEnabled("error"), true);
    assert.deepEqual(calls, [["warn", ["kept"]]]);

    const lines: unknown[][] = [];
    const onlyLog = toLog({ log: (...args: unknown[]) => void lines.push(args) });
    onlyLog.error("via log");
    assert.deepEqual(lines, [["[zerobus] via log"]]);

    const quiet: string[] = [];
    const noDebug = toLog({ info: (m: string) => void quiet.push(`info ${m}`), error: (m: string) => void quiet.push(`error ${m}`) }, { prefix: "" });
    noDebug.debug("dropped");
    noDebug.warn("to error");
    assert.equal(noDebug.isEnabled("debug"), false);
    assert.deepEqual(quiet, ["error to error"]);
  });

  it("works with the real console, and a throwing logger never throws", () => {
    let out = "";
    const sink = new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) });
    const log = toLog(new Console({ stdout: sink, stderr: sink }));
    log.info("hello", { table: "main.default.t" });
    assert.match(out, /\[zerobus\] hello \{ table: 'main.default.t' \}/);
    const broken = toLog({ info: () => { throw new Error("disk full"); } });
    broken.info("still fine");
  });

  it("rejects what is not a logger", () => {
    assert.throws(() => toLog(42 as never), NonRetriableException);
    assert.throws(() => toLog({} as never), /at least one of/);
    assert.throws(() => toLog(console, { level: "loud" as never }), /Invalid log level/);
  });
});

describe("stream log events", () => {
  const context = { table: "main.default.t", streamId: () => "sid-1" };

  it("tags every event and puts errors under err with their gRPC code", () => {
    const { logger, calls } = pinoLike();
    const events = createStreamLogEvents(toLog(logger), context);
    const lost = new ZerobusException("UNAVAILABLE: reset", { grpcCode: 14 });
    events.connecting(1, 4);
    events.opened(false, 0);
    events.closeSignal(30_000, 5_000);
    events.recovering(lost, 12);
    events.recovering(undefined, 0);
    events.connectFailed(lost, 1, 4, 2000);
    events.opened(true, 12);
    events.failed(new NonRetriableException("NOT_FOUND", { grpcCode: 5 }), 3);
    events.callbackFailed("ackCallback", new Error("oops"));
    events.closed(100);
    assert.deepEqual(calls.map(([level, [fields]]) => [level, (fields as { event: string }).event]), [
      ["debug", "zerobus.stream.connecting"],
      ["info", "zerobus.stream.opened"],
      ["info", "zerobus.stream.close_signal"],
      ["warn", "zerobus.stream.recovering"],
      ["info", "zerobus.stream.recovering"],
      ["warn", "zerobus.stream.connect_failed"],
      ["info", "zerobus.stream.opened"],
      ["error", "zerobus.stream.failed"],
      ["warn", "zerobus.stream.callback_failed"],
      ["info", "zerobus.stream.closed"],
    ]);
    const [, [recovering, message]] = calls[3]!;
    assert.deepEqual(recovering, { event: "zerobus.stream.recovering", table: "main.default.t", streamId: "sid-1", planned: false, unackedRecords: 12, err: lost, grpcCode: 14 });
    assert.equal(message, "connection lost: UNAVAILABLE: reset; reconnecting with 12 unacknowledged records");
    assert.match(String(calls[7]![1][1]), /stream failed: NOT_FOUND; 3 records not acknowledged/);
  });

  it("costs nothing on a silent log (context is never read)", () => {
    const events = createStreamLogEvents(SILENT_LOG, { table: "t", streamId: () => assert.fail("read") });
    events.failed(new Error("x"), 1);
    events.connecting(1, 1);
  });
});
