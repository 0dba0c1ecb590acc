/**
 * Sends one stream's acks in offset order. Each request's rows become durable when the table writer's
 * append resolves — possibly out of order, since appends from many streams are grouped into shared
 * commits — but `durability_ack_up_to_offset` is cumulative, so an ack may only cover a prefix of
 * requests that are all durable. Acks that become due together are coalesced into one.
 */

interface Entry {
  offset: bigint;
  done: boolean;
  acked: () => void;
}

/** What the sequencer needs from its stream. */
export interface AckSequencerOptions {
  /** Writes `ingest_record_response{durability_ack_up_to_offset}`; resolves once handed to the transport. */
  send(offset: bigint): Promise<void>;
  /** What each ack must wait for first (fault injection); `undefined` means send at once. */
  gate(): Promise<void> | undefined;
  /** Called once when a commit or a send fails; the sequencer stops. */
  onFailure(err: unknown): void;
}

/** Orders, coalesces and sends the acks of one stream. */
export class AckSequencer {
  private readonly queue: Entry[] = [];
  private pumping = false;
  private closed = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly options: AckSequencerOptions) {}

  /** Registers the request at `offset`, durable when `durable` resolves; resolves once its ack is sent. */
  track(offset: bigint, durable: Promise<unknown>): Promise<void> {
    let acked = () => {};
    const sent = new Promise<void>((resolve) => (acked = resolve));
    const entry: Entry = { offset, done: false, acked };
    this.queue.push(entry);
    durable.then(
      () => {
        entry.done = true;
        void this.pump();
      },
      (err: unknown) => this.fail(err),
    );
    return sent;
  }

  /** Resolves when every tracked request has been acked (or the sequencer stopped). */
  drain(): Promise<void> {
    if (this.closed || (this.queue.length === 0 && !this.pumping)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** True while some tracked request is not yet acked. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Stops sending; pending waiters are released (the call is ending anyway). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.queue.splice(0)) entry.acked();
    this.settleDrain();
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.close();
    this.options.onFailure(err);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue[0]?.done === true) {
        const gate = this.options.gate();
        if (gate !== undefined) await gate;
        if (this.closed) break;
        // Recount after the gate: more requests may have become durable meanwhile, and one ack covers them.
        let n = 0;
        while (n < this.queue.length && (this.queue[n] as Entry).done) n++;
        const covered = this.queue.splice(0, n);
        await this.options.send((covered[covered.length - 1] as Entry).offset);
        for (const entry of covered) entry.acked();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.pumping = false;
    }
    if (this.queue.length === 0) this.settleDrain();
    else if (this.queue[0]?.done === true && !this.closed) void this.pump();
  }

  private settleDrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
