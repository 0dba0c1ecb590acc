/**
 * Ingest progress on stderr: a bar redrawn in place on a terminal (records, MB read of the total, rate,
 * ETA), plain periodic lines otherwise (logs, CI), nothing with `--quiet`.
 */

/** What the reporter samples. */
export interface ProgressSnapshot {
  /** Records handed to the stream. */
  records: number;
  /** Input bytes read. */
  bytes: number;
}

/** How and where progress is shown. */
export interface ProgressReporterOptions {
  out: { write(text: string): unknown };
  /** Redraw a bar in place (stderr is a terminal) rather than print lines. */
  tty: boolean;
  /** Total input size in bytes, for the percentage and the ETA. */
  totalBytes: number;
  /** Time between updates: the bar's redraw interval, or the plain lines' spacing. */
  intervalMs: number;
}

const BAR_WIDTH = 24;

/** Samples `read()` every interval and shows it; `stop()` clears the bar and stops the timer. */
export class ProgressReporter {
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;

  constructor(
    private readonly options: ProgressReporterOptions,
    private readonly read: () => ProgressSnapshot,
  ) {}

  /** Starts the updates. The timer never keeps the process alive. */
  start(): void {
    this.#timer = setInterval(() => this.show(), this.options.intervalMs);
    this.#timer.unref();
  }

  /** Stops updating and removes the bar, so the summary that follows starts on a clean line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) this.options.out.write("\r\x1b[K");
    this.#drawn = false;
  }

  private show(): void {
    const text = formatProgress(this.read(), this.options.totalBytes, Date.now() - this.#startedAt, this.options.tty);
    if (this.options.tty) {
      this.options.out.write(`\r\x1b[K${text}`);
      this.#drawn = true;
    } else {
      this.options.out.write(`${text}\n`);
    }
  }
}

/** One progress line: `[#####-----] 45%  12,345 records  3.2/7.1 MB  5,432 rec/s  ETA 0:07` (bar on a TTY). */
export function formatProgress(snapshot: ProgressSnapshot, totalBytes: number, elapsedMs: number, tty: boolean): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const fraction = totalBytes > 0 ? Math.min(snapshot.bytes / totalBytes, 1) : 0;
  const rate = Math.round(snapshot.records / seconds);
  const byteRate = snapshot.bytes / seconds;
  const eta = byteRate > 0 && totalBytes > 0 ? formatDuration((totalBytes - snapshot.bytes) / byteRate) : "--";
  const parts = [
    `${snapshot.records.toLocaleString("en-US")} records`,
    `${megabytes(snapshot.bytes)}/${megabytes(totalBytes)} MB`,
    `${rate.toLocaleString("en-US")} records/s`,
    `ETA ${eta}`,
  ];
  const percent = `${Math.floor(fraction * 100)}%`;
  if (!tty) return `ingest: ${percent}, ${parts.join(", ")}`;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${percent.padStart(4)}  ${parts.join("  ")}`;
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

/** `0:07`, `12:34`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}
