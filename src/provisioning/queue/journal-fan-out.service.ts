import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { JournalReader } from '../../directory/journal/journal.reader';
import { TransactionRunner } from '../../database/transaction-runner';
import { execute } from '../../database/sql';
import { WorkItem, WorkQueueRepository } from './work-queue.repository';

const BATCH = 2000;
/**
 * On MySQL an auto-increment value is taken at insert and becomes visible at commit, so a lower `seq` can appear
 * after a higher one. The cursor stops before a gap until the row after it is this old (a rolled-back insert
 * leaves a gap for ever; a slow commit fills it within milliseconds).
 */
const GAP_GRACE_MS = 2000;

class CursorMoved extends Error {}

/**
 * Journal → per-target work queue. In one transaction: the changed objects become pending (collapsed per object)
 * and the cursor moves past them, so a change is never lost between the directory and a target, even on SIGKILL.
 */
@Injectable()
export class JournalFanOut {
  private readonly mysql: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly journal: JournalReader,
    private readonly queue: WorkQueueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.mysql = dataSource.options.type !== 'better-sqlite3';
  }

  journalHead(): Promise<number> {
    return this.journal.head();
  }

  /** Queues the next batch of journal rows for one target; returns how many rows it consumed. */
  async fanOut(targetId: string): Promise<number> {
    try {
      return await this.tx.run(async (m) => {
        const [rt] = await m.query<{ journal_cursor: number | string }[]>(
          `SELECT journal_cursor FROM target_runtime WHERE target_id = ?${this.mysql ? ' FOR UPDATE' : ''}`,
          [targetId],
        );
        if (!rt) return 0;
        const cursor = Number(rt.journal_cursor);
        const rows = await this.journal.readAfter(m, cursor, BATCH);
        const now = this.clock.now();
        let last = cursor;
        const items = new Map<string, WorkItem>();
        for (const r of rows) {
          if (r.seq !== last + 1 && now.getTime() - r.changedAt.getTime() < GAP_GRACE_MS) break;
          last = r.seq;
          const key = `${r.objectType}:${r.objectId}`;
          const prev = items.get(key);
          items.set(key, {
            objectType: r.objectType,
            objectId: r.objectId,
            changeSeq: r.seq,
            requestId: r.requestId ?? prev?.requestId ?? null,
            since: prev?.since ?? r.changedAt,
          });
        }
        if (last === cursor) return 0;
        await this.queue.enqueue(m, targetId, [...items.values()], { now });
        const moved = await execute(
          m,
          'UPDATE target_runtime SET journal_cursor = ? WHERE target_id = ? AND journal_cursor = ?',
          [last, targetId, cursor],
        );
        if (moved === 0) throw new CursorMoved();
        return last - cursor;
      });
    } catch (err) {
      if (err instanceof CursorMoved) return 0;
      throw err;
    }
  }
}
