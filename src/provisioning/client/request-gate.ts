/**
 * At most `limit` exchanges with a target at once; the others wait their turn in the order they came. A target's
 * `concurrency` is held here, where every request to it passes (deliveries, `/Bulk`, listings, test connection),
 * so batches that overlap in the engine never put more requests before the target than it was promised.
 */
export class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(exchange: () => Promise<T>): Promise<T> {
    // A finished exchange hands its place straight to the next in line, so `active` never drops below the line.
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await exchange();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
