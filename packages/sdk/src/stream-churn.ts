/**
 * The stream-churn warning (OFFICIAL-2X.md §5): creating 100 or more streams for one table within 60 s
 * usually means an application opens a stream per request instead of keeping one open, which costs a
 * handshake, a token and a server-side stream each time. One warning per table per window says so;
 * `ZEROBUS_SDK_WARNINGS_ENABLED=false` silences it.
 */
import type { Log } from "./logging/log.js";

/** Streams for one table within {@link CHURN_WINDOW_MS} that trigger the warning. */
export const CHURN_THRESHOLD = 100;
/** The window of the churn count, in ms. */
export const CHURN_WINDOW_MS = 60_000;

/** Counts stream creations per table over a sliding window. Memory: at most 100 timestamps per table. */
export class StreamChurnMonitor {
  readonly #created = new Map<string, number[]>();
  readonly #warnedAt = new Map<string, number>();

  /** Notes a stream created for `table` at `now` (ms); logs the warning to `log` when the threshold is hit. */
  note(table: string, log: Log, now: number = performance.now()): void {
    let times = this.#created.get(table);
    if (times === undefined) this.#created.set(table, (times = []));
    times.push(now);
    while (times.length > 0 && now - times[0]! >= CHURN_WINDOW_MS) times.shift();
    if (times.length > CHURN_THRESHOLD) times.shift();
    if (times.length < CHURN_THRESHOLD) return;
    const warned = this.#warnedAt.get(table);
    if (warned !== undefined && now - warned < CHURN_WINDOW_MS) return;
    if (process.env.ZEROBUS_SDK_WARNINGS_ENABLED?.trim().toLowerCase() === "false") return;
    this.#warnedAt.set(table, now);
    log.warn(`${CHURN_THRESHOLD} or more streams were created for table ${table} within ${CHURN_WINDOW_MS / 1000} s: keep a stream open and reuse it`, {
      event: "zerobus.sdk.stream_churn",
      table,
      streams: times.length,
      windowMs: CHURN_WINDOW_MS,
    });
  }
}
