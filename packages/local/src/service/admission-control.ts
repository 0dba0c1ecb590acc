/**
 * Admission control: the service's memory is bounded by what is in flight — bytes and records per call,
 * per table and in total — not by what clients send. A request is admitted once all three budgets
 * have room; until then its call stops reading (so HTTP/2 flow control slows the sender) and the
 * budgets are given back when the request's rows are committed. A request over a limit on its own is
 * refused with RESOURCE_EXHAUSTED, since no amount of waiting would admit it.
 */
import { InflightBudget, type InflightCost } from "./inflight-budget.js";

/**
 * In-flight limits: what requests may hold from their arrival until their rows are committed, in bytes
 * (request size on the wire) and records. A request over the smallest limit on its own is refused.
 */
export interface AdmissionLimits {
  /** Bytes one call may have in flight. Default 32 MiB. */
  callBytes: number;
  /** Records one call may have in flight. Default 3,000,000. */
  callRecords: number;
  /** Bytes in flight into one table, over all its calls. Default 64 MiB. */
  tableBytes: number;
  /** Records in flight into one table. Default 6,000,000. */
  tableRecords: number;
  /** Bytes in flight in the whole service. Default 128 MiB. */
  totalBytes: number;
  /** Records in flight in the whole service. Default 6,000,000. */
  totalRecords: number;
}

/** Gives an admitted request's budget back (idempotent). */
export type Release = () => void;

/** The per-table and total budgets, and a per-call budget for each call. */
export class AdmissionControl {
  private readonly total: InflightBudget;
  private readonly tables = new Map<string, InflightBudget>();

  constructor(readonly limits: AdmissionLimits) {
    this.total = new InflightBudget({ bytes: limits.totalBytes, records: limits.totalRecords });
  }

  /** A budget for one call. */
  callBudget(): InflightBudget {
    return new InflightBudget({ bytes: this.limits.callBytes, records: this.limits.callRecords });
  }

  /** Names the limit `cost` exceeds on its own, or `undefined` when it can be admitted. */
  refusal(cost: InflightCost): string | undefined {
    const l = this.limits;
    const over = (what: string, value: number, limit: number) => (value > limit ? `${value} ${what} exceeds the limit of ${limit} ${what} ${where(limit, l, what)}` : undefined);
    return (
      over("bytes", cost.bytes, Math.min(l.callBytes, l.tableBytes, l.totalBytes)) ??
      over("records", cost.records, Math.min(l.callRecords, l.tableRecords, l.totalRecords))
    );
  }

  /**
   * Admits `cost` against the call's, the table's and the total budget, in that order (one order for
   * every call, so no two calls can each hold what the other waits for). `waiting` is called once if
   * the request has to wait.
   */
  async admit(call: InflightBudget, table: string, cost: InflightCost, waiting: () => void): Promise<Release> {
    let budget = this.tables.get(table);
    if (budget === undefined) {
      budget = new InflightBudget({ bytes: this.limits.tableBytes, records: this.limits.tableRecords });
      this.tables.set(table, budget);
    }
    const tableBudget = budget;
    const taken: InflightBudget[] = [];
    let announced = false;
    for (const next of [call, tableBudget, this.total]) {
      const wait = next.acquire(cost);
      if (wait !== undefined) {
        if (!announced) waiting();
        announced = true;
        await wait;
      }
      taken.push(next);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const budget of taken) budget.release(cost);
      if (tableBudget.idle && this.tables.get(table) === tableBudget) this.tables.delete(table);
    };
  }
}

function where(limit: number, l: AdmissionLimits, what: string): string {
  const names = what === "bytes" ? (["callBytes", "tableBytes", "totalBytes"] as const) : (["callRecords", "tableRecords", "totalRecords"] as const);
  const name = names.find((n) => l[n] === limit) ?? names[0];
  return `in flight (${name})`;
}
