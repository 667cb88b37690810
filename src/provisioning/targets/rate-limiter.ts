/** A token bucket: `take()` resolves when a request may go, at most `perSecond` per second with a burst of one second. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private chain: Promise<void> = Promise.resolve();

  constructor(private perSecond: number) {
    this.tokens = Math.min(perSecond, 1);
  }

  /** A new rate (the target's settings changed): the budget already saved is kept, up to a second of the new rate. */
  setRate(perSecond: number): void {
    this.perSecond = perSecond;
    this.tokens = Math.min(this.tokens, perSecond);
  }

  take(): Promise<void> {
    const next = this.chain.then(() => this.wait());
    this.chain = next;
    return next;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
