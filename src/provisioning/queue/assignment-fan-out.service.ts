import { Inject, Injectable } from '@nestjs/common';
import { chunks } from '../../common/chunks';
import { CLOCK, Clock } from '../../common/clock';
import { TransactionRunner } from '../../database/transaction-runner';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { AssignmentsRepository } from '../assignments/assignments.repository';
import { WorkItem, WorkQueueRepository } from './work-queue.repository';

const CHANGES_PER_PASS = 100;
const ITEMS_PER_TRANSACTION = 1000;

/**
 * Assignment changes → the per-target work queue: an assigned or unassigned user is queued; a group is queued with
 * each of its direct members (they came into scope or left it). The change row is deleted only once its work is
 * queued, so a process killed half-way queues it again (queueing is an upsert: nothing is sent twice for it).
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

  /** Queues the work of the oldest pending assignment changes of a target; returns how many it consumed. */
  async fanOut(targetId: string): Promise<number> {
    const changes = await this.assignments.pendingChanges(targetId, CHANGES_PER_PASS);
    for (const change of changes) {
      const items: WorkItem[] = [];
      const item = (objectType: 'User' | 'Group', objectId: string): WorkItem => ({
        objectType,
        objectId,
        changeSeq: null,
        requestId: null,
        since: change.createdAt,
      });
      items.push(item(change.principalType, change.principalId));
      if (change.principalType === 'Group')
        for (const m of await this.directory.membersOf(change.principalId))
          if (m.type === 'User') items.push(item('User', m.id));
      const parts = [...chunks(items, ITEMS_PER_TRANSACTION)];
      const now = this.clock.now();
      for (const [i, part] of parts.entries()) {
        await this.tx.run(async (m) => {
          await this.queue.enqueue(m, targetId, part, { now });
          if (i === parts.length - 1) await this.assignments.deleteChanges(m, [change.seq]);
        });
      }
    }
    return changes.length;
  }
}
