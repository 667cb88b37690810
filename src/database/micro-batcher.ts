interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Independent writes issued close together go to the database together: the first one waits for the current turn
 * of the event loop to end, then every item queued by then is written by `writeMany` (one statement, one
 * transaction). Each caller's promise settles only after that write. When the shared write fails (a deadlock, one
 * bad row), each item is written again alone by `writeOne`, so that one bad item never takes the others down.
 */
export class MicroBatcher<T> {
  private queued: Pending<T>[] = [];

  constructor(
    private readonly writeMany: (items: T[]) => Promise<void>,
    private readonly writeOne: (item: T) => Promise<void>,
    private readonly maxBatch: number,
    private readonly onBatchFailure: (err: unknown, size: number) => void = () => {},
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ item, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued.splice(0, this.maxBatch);
    if (this.queued.length > 0) setImmediate(() => void this.flush());
    if (batch.length === 0) return;
    try {
      await this.writeMany(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      this.onBatchFailure(err, batch.length);
      for (const p of batch) await this.writeOne(p.item).then(p.resolve, p.reject);
    }
  }
}
