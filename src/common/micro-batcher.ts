interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Independent writes (or reads) issued close together go to the database together: the first one waits for the current turn
 * of the event loop to end, then every item queued by then is written by `writeMany` (one statement, one
 * transaction). Each caller's promise settles only after that write, with the item's result from `writeMany`
 * (an Error there refuses that item alone). When the shared write fails (a deadlock, one bad row), each item is
 * written again alone by `writeOne`, so that one bad item never takes the others down.
 */
export class MicroBatcher<T, R = void> {
  private queued: Pending<T, R>[] = [];
  private scheduled = false;
  private inFlight = 0;

  /**
   * `maxInFlight`: writes of this batcher under way at once. Beyond it, items wait for one to finish and go with
   * everything queued by then: under load the batches grow with the database's latency (fewer statements and
   * commits for the same items); alone, an item is written at the end of its turn as before.
   */
  constructor(
    private readonly writeMany: (items: T[]) => Promise<(R | Error)[] | void>,
    private readonly writeOne: (item: T) => Promise<R>,
    private readonly maxBatch: number,
    private readonly onBatchFailure: (err: unknown, size: number) => void = () => {},
    private readonly maxInFlight = Number.POSITIVE_INFINITY,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queued.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight) return;
    const batch = this.queued.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      this.schedule();
      await this.write(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async write(batch: Pending<T, R>[]): Promise<void> {
    let results: (R | Error)[] | void;
    try {
      results = await this.writeMany(batch.map((p) => p.item));
    } catch (err) {
      this.onBatchFailure(err, batch.length);
      for (const p of batch) await this.writeOne(p.item).then(p.resolve, p.reject);
      return;
    }
    batch.forEach((p, i) => {
      const result = results ? results[i] : (undefined as R);
      if (result instanceof Error) p.reject(result);
      else p.resolve(result);
    });
  }
}
