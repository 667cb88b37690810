/**
 * At most `limit` exchanges with a target at once; the others wait their turn in the order they came. A target's
 * `concurrency` is held here, where every request to it passes (deliveries, `/Bulk`, listings, test connection),
 * so batches that overlap in the engine never put more requests before the target than it was promised. One gate
 * serves every client of a target in turn (a settings change makes a new client): requests still in flight on the
 * replaced client keep their places, and a new limit applies as places come free.
 */
export class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {}

  /** A new limit: a higher one lets waiting exchanges go at once, a lower one is reached as exchanges finish. */
  setLimit(limit: number): void {
    this.limit = limit;
    while (this.active < this.limit) {
      const next = this.waiting.shift();
      if (!next) break;
      this.active += 1;
      next();
    }
  }

  async run<T>(exchange: () => Promise<T>): Promise<T> {
    // A finished exchange hands its place straight to the next in line, so `active` never drops below the line.
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await exchange();
    } finally {
      const next = this.active <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.active -= 1;
    }
  }
}
