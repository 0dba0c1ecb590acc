/**
 * The delivery invariant every fault scenario checks, as one reusable checker:
 *
 *   every record the caller handed over is either acknowledged and present at the server, or rejected to
 *   its caller and returned by `getUnacked*` — never silently lost; the server holds a record more than
 *   once only if that record was in flight (handed over, not yet acknowledged) at a fault.
 *
 * A test tells the tracker what happened from the caller's side (handed over, acknowledged, rejected,
 * returned by `getUnacked*`) and when faults struck (with what was in flight), then gives it the server's
 * copy counts per record id (rows in the Delta table, or records a scripted server stored) and reads the
 * {@link DeliveryReport}. Records carry unique numeric ids, so "present" and "duplicate" are exact counts.
 */
import type { RecordAcknowledgment } from "../acknowledgment.js";

type Fate = "pending" | "acked" | "rejected";

interface RecordState {
  fate: Fate;
  /** Returned by `getUnacked*` after the stream that held it ended. */
  returned: boolean;
  /** Unacknowledged at some fault: the server may legitimately hold it more than once. */
  inFlightAtFault: boolean;
  /** Times handed over (more than once after `recreateStream` re-ingested it). */
  handovers: number;
}

/** What {@link DeliveryTracker.check} found. `lost`, `unexplainedDuplicates` and `phantoms` must be 0. */
export interface DeliveryReport {
  /** Distinct records handed over. */
  records: number;
  /** Acknowledged and present at the server. */
  acked: number;
  /** Rejected to the caller and returned by `getUnacked*` (possibly also present at the server). */
  rejectedAndReturned: number;
  /** Records neither acknowledged-and-present nor rejected-and-returned. */
  lost: number;
  /** Extra copies at the server, over all records (a record stored 3 times adds 2). */
  duplicates: number;
  /** Records stored more than once although they were never in flight at a fault. */
  unexplainedDuplicates: number;
  /** Records at the server that were never handed over. */
  phantoms: number;
  /** Faults noted with {@link DeliveryTracker.noteFault}. */
  faults: number;
  /** Readable descriptions of the first problems found (empty when the invariant holds). */
  problems: string[];
}

const MAX_PROBLEMS = 20;

/** Follows records from the caller's side; see the module comment. */
export class DeliveryTracker {
  readonly #records = new Map<number, RecordState>();
  #faults = 0;
  #contradictions: string[] = [];

  /** Faults noted so far. */
  get faults(): number {
    return this.#faults;
  }

  /**
   * Records that the caller handed these records to a stream. A record may be handed over again only after
   * it was rejected and returned by `getUnacked*` (that is what `recreateStream` does with it).
   */
  handOver(ids: readonly number[]): void {
    for (const id of ids) {
      const state = this.#records.get(id);
      if (state === undefined) {
        this.#records.set(id, { fate: "pending", returned: false, inFlightAtFault: false, handovers: 1 });
      } else if (state.fate === "rejected" && state.returned) {
        state.fate = "pending";
        state.returned = false;
        state.handovers++;
      } else {
        this.#contradiction(`record ${id} handed over twice while ${state.fate}`);
      }
    }
  }

  /**
   * Undoes {@link DeliveryTracker.handOver} for records whose ingest call itself threw (refused at
   * admission, e.g. the stream had already failed): the caller got the error and the stream kept nothing.
   */
  refused(ids: readonly number[]): void {
    for (const id of ids) {
      const state = this.#records.get(id);
      if (state?.fate !== "pending") continue;
      if (state.handovers === 1) this.#records.delete(id);
      else Object.assign(state, { fate: "rejected", returned: true, handovers: state.handovers - 1 });
    }
  }

  /** Marks records acknowledged (their ack resolved, or a flush covering them succeeded). */
  acked(ids: readonly number[]): void {
    for (const id of ids) this.#settle(id, "acked");
  }

  /** Marks records rejected to their caller (their ack rejected). */
  rejected(ids: readonly number[]): void {
    for (const id of ids) this.#settle(id, "rejected");
  }

  /** Settles `ids` when `ack` does: acknowledged if it resolves, rejected if it fails. */
  follow(ids: readonly number[], ack: RecordAcknowledgment): void {
    ack.addDoneCallback((done) => (done.error ? this.rejected(ids) : this.acked(ids)));
  }

  /** Records what `getUnacked*` returned for a stream that ended (closed or failed). */
  returnedUnacked(ids: Iterable<number>): void {
    for (const id of ids) {
      const state = this.#records.get(id);
      if (state === undefined) this.#contradiction(`getUnacked returned record ${id}, which was never handed over`);
      else if (state.fate === "acked") this.#contradiction(`getUnacked returned record ${id}, which was acknowledged`);
      else state.returned = true;
    }
  }

  /** Notes a fault; `inFlight` are the records unacknowledged at that moment (e.g. `getUnackedRecords()`). */
  noteFault(inFlight: Iterable<number>): void {
    this.#faults++;
    for (const id of inFlight) {
      const state = this.#records.get(id);
      if (state) state.inFlightAtFault = true;
    }
  }

  /** Ids handed over and not settled yet (useful to say what a hung test was waiting for). */
  pending(): number[] {
    return [...this.#records].filter(([, s]) => s.fate === "pending").map(([id]) => id);
  }

  /** Checks the invariant against the server's copy count per record id. */
  check(serverCounts: ReadonlyMap<number, number>): DeliveryReport {
    const problems = [...this.#contradictions];
    const note = (problem: string) => void (problems.length < MAX_PROBLEMS && problems.push(problem));
    const report: DeliveryReport = {
      records: this.#records.size,
      acked: 0,
      rejectedAndReturned: 0,
      lost: 0,
      duplicates: 0,
      unexplainedDuplicates: 0,
      phantoms: 0,
      faults: this.#faults,
      problems,
    };
    for (const [id, state] of this.#records) {
      const copies = serverCounts.get(id) ?? 0;
      if (state.fate === "acked" && copies > 0) report.acked++;
      else if (state.fate === "rejected" && state.returned) report.rejectedAndReturned++;
      else {
        report.lost++;
        note(`record ${id} lost: ${state.fate}${state.fate === "rejected" ? " but not returned by getUnacked" : ""}, ${copies} copies at the server`);
      }
      if (copies > 1) {
        report.duplicates += copies - 1;
        if (!state.inFlightAtFault) {
          report.unexplainedDuplicates++;
          note(`record ${id} stored ${copies} times but was never in flight at a fault`);
        }
      }
    }
    for (const [id, copies] of serverCounts) {
      if (copies > 0 && !this.#records.has(id)) {
        report.phantoms++;
        note(`record ${id} is at the server (${copies}x) but was never handed over`);
      }
    }
    return report;
  }

  #settle(id: number, fate: "acked" | "rejected"): void {
    const state = this.#records.get(id);
    if (state === undefined) return this.#contradiction(`record ${id} settled (${fate}) but never handed over`);
    if (state.fate !== "pending") return this.#contradiction(`record ${id} settled twice (${state.fate}, then ${fate})`);
    state.fate = fate;
  }

  #contradiction(problem: string): void {
    if (this.#contradictions.length < MAX_PROBLEMS) this.#contradictions.push(problem);
  }
}

/** Throws, listing the problems, unless the report shows no loss, no unexplained duplicate, no phantom. */
export function assertDelivered(report: DeliveryReport, context = "delivery"): void {
  const ok = report.lost === 0 && report.unexplainedDuplicates === 0 && report.phantoms === 0 && report.problems.length === 0;
  if (ok) return;
  const summary = `lost ${report.lost}, unexplained duplicates ${report.unexplainedDuplicates}, phantoms ${report.phantoms}`;
  throw new Error(`${context}: invariant broken (${summary}):\n  ${report.problems.join("\n  ")}`);
}
