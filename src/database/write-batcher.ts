import { execute } from './sql';
import { TransactionRunner } from './transaction-runner';

interface Pending {
  sql: string;
  params: unknown[];
  resolve: (affected: number) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Independent single-statement writes issued close together share one transaction: the first one waits for the
 * current turn of the event loop to end, then every statement queued by then runs in one BEGIN … COMMIT. Each
 * caller still gets its own affected-row count, and only after the commit. When the shared transaction fails
 * (a deadlock, a bad statement), each statement is run again in a transaction of its own, so that one bad write
 * never takes the others down with it.
 */
export class WriteBatcher {
  private queued: Pending[] = [];

  constructor(private readonly tx: TransactionRunner) {}

  write(sql: string, params: unknown[]): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ sql, params, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued.splice(0, MAX_BATCH);
    if (this.queued.length > 0) setImmediate(() => void this.flush());
    if (batch.length === 0) return;
    try {
      const counts = await this.tx.run(async (m) => {
        const out: number[] = [];
        for (const w of batch) out.push(await execute(m, w.sql, w.params));
        return out;
      });
      batch.forEach((w, i) => w.resolve(counts[i]));
    } catch {
      for (const w of batch) {
        await this.tx.run((m) => execute(m, w.sql, w.params)).then(w.resolve, w.reject);
      }
    }
  }
}
