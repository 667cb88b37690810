import { Injectable } from '@nestjs/common';
import { fromDbDate } from '../../database/db-values';
import { execute, select } from '../../database/sql';
import { TransactionRunner } from '../../database/transaction-runner';

/**
 * Deletes journal rows its consumers no longer need. Which rows those are is the consumers' business (the
 * provisioning engine knows its targets' cursors): the caller names the last row every consumer has passed.
 */
@Injectable()
export class JournalPruner {
  constructor(private readonly tx: TransactionRunner) {}

  /**
   * Deletes rows with `seq` ≤ `upToSeq` written before `olderThan`, oldest first, `batch` rows per transaction, so
   * that no transaction holds locks for long against the writers. Stops at the first row written at or after
   * `olderThan`: rows are appended in time order, so the rest is the retention window. Returns how many it deleted.
   */
  async pruneConsumed(upToSeq: number, olderThan: Date, batch: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { count, more } = await this.tx.run(async (m) => {
        const rows = await select<{ seq: number | string; changed_at: unknown }>(
          m,
          'SELECT seq, changed_at FROM directory_change WHERE seq <= ? ORDER BY seq LIMIT ?',
          [upToSeq, batch],
        );
        const young = rows.findIndex((r) => fromDbDate(r.changed_at) >= olderThan);
        const prefix = young === -1 ? rows : rows.slice(0, young);
        if (prefix.length === 0) return { count: 0, more: false };
        const count = await execute(m, 'DELETE FROM directory_change WHERE seq >= ? AND seq <= ?', [
          Number(prefix[0].seq),
          Number(prefix[prefix.length - 1].seq),
        ]);
        return { count, more: young === -1 && rows.length === batch };
      });
      deleted += count;
      if (!more) return deleted;
      // Let requests waiting on the event loop (better-sqlite3 is synchronous) go between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
