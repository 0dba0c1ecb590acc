/**
 * The randomized soak: one writer streams numbered records into the local service's Delta table through a
 * fault proxy while faults of every kind are injected at seeded points; when the stream fails for good it
 * is recreated from its unacknowledged records, as an application would. At the end the Delta table is read
 * back and the delivery invariant checked over every record (`DeliveryTracker`).
 *
 * Reproducibility: every choice (record sizes, batch sizes, fault kinds, their positions and parameters)
 * comes from the seed. The exact interleaving with real sockets and timers still varies from run to run,
 * which is the point of a soak: the invariant must hold for every interleaving.
 *
 * Server choice: the local service, not the scripted server, because "present at the server" is then a
 * row in a real Delta table. It sustains tens of thousands of records a second here, fast enough for
 * 200,000 records and 200 faults in well under a minute.
 */
import type { ZerobusSdk } from "../sdk.js";
import { StreamState } from "../stream-state.js";
import type { ZerobusStream } from "../stream.js";
import { DeliveryTracker, type DeliveryReport } from "./delivery-tracker.js";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";
import { startLocalZerobus, type LocalZerobus } from "./local-zerobus.js";
import { ingestTracked, recordId } from "./numbered-records.js";
import { createSeededRandom, type SeededRandom } from "./seeded-random.js";

/** Inputs of {@link runSoak}. */
export interface SoakOptions {
  seed: number;
  /** Records to hand over in all. */
  records: number;
  /** Faults to inject, spread evenly over the records. */
  faults: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What a soak run saw. `report.lost` must be 0. */
export interface SoakResult {
  readonly seed: number;
  readonly faultsInjected: number;
  readonly faultsByKind: Readonly<Record<string, number>>;
  /** Connections the proxy cut (injected cuts that fired). */
  readonly proxyCuts: number;
  /** Reconnect attempts the stream made (each one noted as a fault by the tracker). */
  readonly reconnectAttempts: number;
  /** Streams that failed for good and were recreated with `recreateStream`. */
  readonly recreated: number;
  /** Records rejected to their caller by a failed stream, returned by `getUnacked*` and re-ingested. */
  readonly returnedAndResent: number;
  readonly report: DeliveryReport;
  readonly seconds: number;
}

/** Stream options of the soak: quick recovery, a short ack timeout (stalls), moderate backpressure. */
const SOAK_STREAM_OPTIONS = {
  recoveryBackoffMs: 50,
  recoveryTimeoutMs: 5000,
  recoveryRetries: 5,
  serverLackOfAckTimeoutMs: 500,
  flushTimeoutMs: 120_000,
  maxInflightRecords: 4000,
};

/** How many times a failed stream is recreated before the soak gives up. */
const RECREATE_ATTEMPTS = 5;

type FaultKind = "cut-bytes" | "cut-now" | "server-cut" | "close-signal" | "refused-attempt" | "ack-stall" | "ack-delay" | "non-retriable";

/** Relative weights of the fault kinds. */
const WEIGHTS: ReadonlyArray<readonly [FaultKind, number]> = [
  ["cut-bytes", 30],
  ["cut-now", 12],
  ["server-cut", 15],
  ["close-signal", 15],
  ["refused-attempt", 8],
  ["ack-stall", 5],
  ["ack-delay", 8],
  ["non-retriable", 7],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

function pickKind(random: SeededRandom): FaultKind {
  let roll = random.int(1, TOTAL_WEIGHT);
  for (const [kind, weight] of WEIGHTS) if ((roll -= weight) <= 0) return kind;
  return "cut-now";
}

/** Runs one soak; resolves with what it saw (it does not throw on a broken invariant: check `report`). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const random = createSeededRandom(options.seed);
  const log = options.log ?? (() => {});
  const started = performance.now();
  const local = await startLocalZerobus();
  const proxy = await startFaultProxy(Number(new URL(local.service.serverEndpoint).port));
  const tracker = new DeliveryTracker();
  const byKind: Record<string, number> = {};
  let stalled = false;
  const resumeStall = () => {
    if (!stalled) return;
    stalled = false;
    local.service.faults.resumeAcks();
  };
  // A stalled server is let go once the stream has given up on it and is reconnecting.
  const opened = await local.openStream(tracker, SOAK_STREAM_OPTIONS, proxy.endpoint, resumeStall);
  const { sdk } = opened;
  let stream = opened.stream;
  let recreated = 0;
  const resent = { records: 0 };
  let injected = 0;
  /** Flushes; a stream that failed for good meanwhile is recreated (and flushed) instead. */
  const settle = async (current: ZerobusStream): Promise<ZerobusStream> => {
    try {
      await current.flush();
      return current;
    } catch (err) {
      if (current.getState() !== StreamState.FAILED) throw err;
      recreated++;
      return recreate(sdk, current, tracker, opened.follow, resumeStall, resent);
    }
  };
  try {
    let nextId = 0;
    // The records are cut into one segment per fault (plus one without). Within a segment, the fault is
    // injected at a seeded record, after a seeded number of event-loop turns, so that it strikes while
    // records are in flight; the segment ends with a flush, so each fault has played out before the next.
    const segments = options.faults + 1;
    for (let segment = 0; segment < segments; segment++) {
      const end = Math.round(((segment + 1) * options.records) / segments);
      const injectAt = segment < options.faults ? random.int(nextId, Math.max(nextId, end - 1)) : Number.POSITIVE_INFINITY;
      while (nextId < end) {
        const size = random.chance(0.7) ? 1 : random.int(2, 20);
        const ids = Array.from({ length: Math.min(size, end - nextId) }, (_, i) => nextId + i);
        // The fault goes in just before the call that carries record `injectAt`.
        if (injected === segment && nextId + ids.length > injectAt) {
          for (let turns = random.int(0, 3); turns > 0; turns--) await new Promise((resolve) => setImmediate(resolve));
          const kind = pickKind(random);
          byKind[kind] = (byKind[kind] ?? 0) + 1;
          injected++;
          inject(kind, random, local, proxy, () => (stalled = true));
        }
        try {
          await ingestTracked(stream, tracker, ids, random.int(0, 48));
          nextId += ids.length;
        } catch (err) {
          if (stream.getState() !== StreamState.FAILED) throw err;
          stream = await recreate(sdk, stream, tracker, opened.follow, resumeStall, resent);
          recreated++;
        }
      }
      stream = await settle(stream);
      if (injected % 20 === 0 && injected > 0 && segment < options.faults) {
        log(`  ${injected} faults, ${nextId} records, ${tracker.faults} reconnect attempts, ${recreated} recreated`);
      }
    }
    resumeStall();
    local.service.faults.delayAcks(0);
    await stream.close();
    const report = tracker.check(await local.rowCounts());
    return {
      seed: options.seed,
      faultsInjected: injected,
      faultsByKind: byKind,
      proxyCuts: proxy.stats.cuts,
      reconnectAttempts: tracker.faults,
      recreated,
      returnedAndResent: resent.records,
      report,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    sdk.close();
    await proxy.close();
    await local.close();
  }
}

/** Injects one fault. Each kind ends up as a retriable failure except `non-retriable`. */
function inject(kind: FaultKind, random: SeededRandom, local: LocalZerobus, proxy: FaultProxy, markStalled: () => void): void {
  const faults = local.service.faults;
  faults.delayAcks(0); // an ack delay lasts until the next fault
  switch (kind) {
    case "cut-bytes":
      return proxy.cutAfterBytes(random.chance(0.5) ? "upstream" : "downstream", random.int(0, 6000));
    case "cut-now":
      return void proxy.cutAll("soak: cut now");
    case "server-cut":
      return faults.cutConnectionsAfter(random.int(1, 30));
    case "close-signal":
      return faults.sendCloseSignalNow(random.int(0, 60));
    case "refused-attempt":
      // The reconnect's first attempt is refused (UNAVAILABLE); the next one succeeds.
      faults.failNextStream(14, "soak: refused attempt");
      return void proxy.cutAll("soak: cut before a refused attempt");
    case "ack-stall":
      // No acks until the stream's lack-of-ack timer gives up and reconnects (see resumeStall).
      markStalled();
      return faults.stallAcks();
    case "ack-delay":
      return faults.delayAcks(random.int(1, 25));
    case "non-retriable":
      // PERMISSION_DENIED on the reconnect: the stream fails for good and must be recreated.
      faults.failNextStream(7, "soak: permission revoked");
      return void proxy.cutAll("soak: cut before a non-retriable refusal");
  }
}

/**
 * What an application does with a failed stream: take its records back and recreate it, a few times if
 * need be (the new stream can fail too, or fail to open, when faults keep coming).
 */
async function recreate(
  sdk: ZerobusSdk,
  failed: ZerobusStream,
  tracker: DeliveryTracker,
  follow: (next: ZerobusStream) => void,
  resumeStall: () => void,
  resent: { records: number },
): Promise<ZerobusStream> {
  let current = failed;
  let lastError: unknown;
  for (let attempt = 0; attempt < RECREATE_ATTEMPTS; attempt++) {
    resumeStall();
    const ids = current.getUnackedRecords().map(recordId);
    tracker.returnedUnacked(ids);
    let fresh: ZerobusStream;
    try {
      fresh = await sdk.recreateStream(current);
    } catch (err) {
      lastError = err; // could not open: `current` still holds the records
      continue;
    }
    follow(fresh);
    tracker.handOver(ids);
    resent.records += ids.length;
    try {
      // The re-ingested records have no ack handles: a flush that succeeds acknowledges them.
      await fresh.flush();
      tracker.acked(ids);
      return fresh;
    } catch (err) {
      if (fresh.getState() !== StreamState.FAILED) throw err;
      lastError = err;
      const left = new Set(fresh.getUnackedRecords().map(recordId));
      tracker.acked(ids.filter((id) => !left.has(id)));
      tracker.rejected([...left]); // the flush's error told us, their caller
      current = fresh;
    }
  }
  throw new Error(`recreateStream failed ${RECREATE_ATTEMPTS} times`, { cause: lastError });
}
