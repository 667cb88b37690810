import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { TransactionRunner } from '../../database/transaction-runner';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { AssignmentsRepository } from '../assignments/assignments.repository';
import { WorkItem, WorkQueueRepository } from './work-queue.repository';

const CHANGES_PER_PASS = 100;
/** Work queued per engine pass at most: deliveries start while a large group's members are still being queued. */
const ITEMS_PER_PASS = 2000;

/**
 * Assignment changes → the per-target work queue: an assigned or unassigned user is queued; a group is queued with
 * each of its direct members (they came into scope or left it), a page of members per engine pass, in id order.
 * The change row records how far it got and is deleted only once all its work is queued, in the same transaction
 * as the last page, so a process killed half-way goes on from the last page it committed (queueing is an upsert:
 * a page queued twice sends nothing twice).
 */
@Injectable()
export class AssignmentFanOut {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly directory: DirectoryReader,
    private readonly queue: WorkQueueRepository,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Queues the work of the oldest pending assignment changes of a target; returns how many items it queued. Only
   * objects of `types` are queued (`objectTypesOf` the target: an assigned group's members, not the group itself,
   * for a target that does not provision groups).
   */
  async fanOut(targetId: string, types: readonly ('User' | 'Group')[]): Promise<number> {
    const changes = await this.assignments.pendingChanges(targetId, CHANGES_PER_PASS);
    let queued = 0;
    for (const change of changes) {
      const items: WorkItem[] = [];
      const item = (objectType: 'User' | 'Group', objectId: string): WorkItem => ({
        objectType,
        objectId,
        changeSeq: null,
        requestId: null,
        since: change.createdAt,
      });
      if (change.memberCursor === null && types.includes(change.principalType))
        items.push(item(change.principalType, change.principalId));
      let done = true;
      let cursor = change.memberCursor ?? '';
      if (change.principalType === 'Group') {
        const limit = Math.max(1, ITEMS_PER_PASS - queued);
        const page = await this.directory.membersOf(change.principalId, { afterId: cursor, limit });
        for (const m of page) if (m.type === 'User') items.push(item('User', m.id));
        done = page.length < limit;
        if (!done) cursor = page[page.length - 1].id;
      }
      const now = this.clock.now();
      await this.tx.run(async (m) => {
        await this.queue.enqueue(m, targetId, items, { now });
        if (done) await this.assignments.deleteChanges(m, [change.seq]);
        else await this.assignments.advanceChange(m, change.seq, cursor);
      });
      queued += items.length;
      // A group not fully queued goes on at the next pass, before any later change (their order is kept).
      if (!done || queued >= ITEMS_PER_PASS) break;
    }
    return queued;
  }
}
