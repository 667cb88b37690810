import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { JournalReader, type JournalRow } from '../../directory/journal/journal.reader';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { AssignmentsRepository } from '../assignments/assignments.repository';
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
  private seen = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly journal: JournalReader,
    private readonly directory: DirectoryReader,
    private readonly assignments: AssignmentsRepository,
    private readonly queue: WorkQueueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.mysql = dataSource.options.type !== 'better-sqlite3';
  }

  journalHead(): Promise<number> {
    return this.journal.head();
  }

  /**
   * The highest journal seq a fan-out in this process has read: every change up to it was committed (with its
   * directory write) before now, so a directory read that starts now holds it or something newer.
   */
  get visibleThrough(): number {
    return this.seen;
  }

  /**
   * Queues the next batch of journal rows for one target; returns how many rows it consumed. Only objects of
   * `types` are queued (`objectTypesOf` the target: a group's own changes are not queued for a target that does not
   * provision groups); a group's membership changes still bring the users they put in or out of scope.
   */
  async fanOut(targetId: string, types: readonly ('User' | 'Group')[]): Promise<number> {
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
        const add = (r: JournalRow, objectType: 'User' | 'Group', objectId: string) => {
          const key = `${objectType}:${objectId}`;
          const prev = items.get(key);
          items.set(key, {
            objectType,
            objectId,
            changeSeq: r.seq,
            requestId: r.requestId ?? prev?.requestId ?? null,
            since: prev?.since ?? r.changedAt,
          });
        };
        const consumed: JournalRow[] = [];
        for (const r of rows) {
          if (r.seq !== last + 1 && now.getTime() - r.changedAt.getTime() < GAP_GRACE_MS) break;
          last = r.seq;
          consumed.push(r);
          if (types.includes(r.objectType)) add(r, r.objectType, r.objectId);
        }
        if (last === cursor) return 0;
        for (const [r, userId] of await this.membersOfAssignedGroups(m, targetId, consumed))
          add(r, 'User', userId);
        await this.queue.enqueue(m, targetId, [...items.values()], { now });
        const moved = await execute(
          m,
          'UPDATE target_runtime SET journal_cursor = ? WHERE target_id = ? AND journal_cursor = ?',
          [last, targetId, cursor],
        );
        if (moved === 0) throw new CursorMoved();
        this.seen = Math.max(this.seen, last);
        return last - cursor;
      });
    } catch (err) {
      if (err instanceof CursorMoved) return 0;
      throw err;
    }
  }

  /**
   * Users who joined or left a group assigned to the target: they came into its scope or left it. Only the
   * journal's membership rows of assigned groups count; a row that does not list its members (written before every
   * id was journaled) stands for all the group's current members.
   */
  private async membersOfAssignedGroups(
    m: EntityManager,
    targetId: string,
    rows: JournalRow[],
  ): Promise<[JournalRow, string][]> {
    const membership = rows.filter((r) => r.objectType === 'Group' && MEMBERSHIP.has(r.kind));
    if (membership.length === 0 || !(await this.assignments.hasGroupAssignments(targetId, m))) return [];
    const assigned = await this.assignments.assignedAmong(
      m,
      targetId,
      membership.map((r) => r.objectId),
    );
    const named: [JournalRow, string][] = [];
    for (const r of membership) {
      if (!assigned.has(r.objectId)) continue;
      const ids = r.memberIds ?? (await this.directory.membersOf(r.objectId)).map((member) => member.id);
      for (const id of ids) named.push([r, id]);
    }
    const users = new Set(await this.directory.userIdsAmong([...new Set(named.map(([, id]) => id))]));
    return named.filter(([, id]) => users.has(id));
  }
}

const MEMBERSHIP = new Set(['members_added', 'members_removed']);
