/**
 * A budget of bytes and records in flight: taken when a request is admitted, given back once its rows
 * are committed (or refused). Waiters are served first come, first served, so a large request is never
 * starved by a stream of small ones.
 */

/** What one request costs while in flight. */
export interface InflightCost {
  /** Its size on the wire. */
  bytes: number;
  records: number;
}

interface Waiter {
  cost: InflightCost;
  grant(): void;
}

/** Bytes and records admitted and not yet given back, against limits. */
export class InflightBudget {
  private bytes = 0;
  private records = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly limits: Readonly<InflightCost>) {}

  /** True when `cost` alone is over a limit: it could never be admitted. */
  exceedsAlone(cost: InflightCost): boolean {
    return cost.bytes > this.limits.bytes || cost.records > this.limits.records;
  }

  /** Takes `cost` now (returns `undefined`) or resolves once it was taken. `cost` must not exceed the limits alone. */
  acquire(cost: InflightCost): Promise<void> | undefined {
    if (this.waiters.length === 0 && this.fits(cost)) {
      this.take(cost);
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push({ cost, grant: resolve }));
  }

  /** Gives `cost` back and admits waiters that now fit. */
  release(cost: InflightCost): void {
    this.bytes -= cost.bytes;
    this.records -= cost.records;
    while (this.waiters.length > 0 && this.fits((this.waiters[0] as Waiter).cost)) {
      const waiter = this.waiters.shift() as Waiter;
      this.take(waiter.cost);
      waiter.grant();
    }
  }

  /** True when nothing is taken and nobody waits. */
  get idle(): boolean {
    return this.bytes === 0 && this.records === 0 && this.waiters.length === 0;
  }

  private fits(cost: InflightCost): boolean {
    return this.bytes + cost.bytes <= this.limits.bytes && this.records + cost.records <= this.limits.records;
  }

  private take(cost: InflightCost): void {
    this.bytes += cost.bytes;
    this.records += cost.records;
  }
}
