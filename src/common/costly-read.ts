/**
 * Reuses the answer of a read whose cost grows with the data, in proportion to what it cost: an answer that took
 * `ms` to compute is given again for `reuseFactor × ms` (so the read takes at most about 1/reuseFactor of the time,
 * however often it is asked), and one that took under `cheapMs` is never reused, so small data stays exact at once.
 * Callers asking while it is being computed share that computation. A status polled every second on a target with a
 * million pending objects (about 100 ms a count) is the case it is for.
 */
export class CostlyRead<V> {
  private readonly answers = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly reuseFactor = 10,
    private readonly cheapMs = 10,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const at = this.now();
    const known = this.answers.get(key);
    if (known && known.until > at) return known.value;
    // Until it is done, callers share this computation; then it is kept as long as it cost, times the factor.
    const entry = { value: compute(), until: Infinity };
    this.answers.set(key, entry);
    entry.value.then(
      () => {
        const took = this.now() - at;
        if (took < this.cheapMs) this.forget(key, entry);
        else entry.until = this.now() + took * this.reuseFactor;
      },
      () => this.forget(key, entry),
    );
    return entry.value;
  }

  private forget(key: string, entry: { value: Promise<V> }): void {
    if (this.answers.get(key) === entry) this.answers.delete(key);
  }
}
