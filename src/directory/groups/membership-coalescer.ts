import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { NotFoundError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { TransactionRunner } from '../../database/transaction-runner';
import { JournalWriter, JournalEntry } from '../journal/journal.writer';
import { DirectoryGroup } from './directory-group.entity';
import { StoredMember } from '../directory.types';
import { GroupsRepository } from './groups.repository';
import { MemberType } from '../memberships/group-membership.entity';
import { addedIds, MembershipChange, planChange } from './membership-plan';
import { MembershipsRepository } from '../memberships/memberships.repository';
import { liveMemberIds } from '../memberships/memberships.repository';

/** Changes written together at most; the rest wait for the next transaction. */
const MAX_BATCH = 200;

/** The group after the change, `unchanged` when it named no member, or the reason it was refused. */
type Outcome = DirectoryGroup | 'unchanged' | Error;

interface Queued {
  change: MembershipChange;
  ctx: RequestContext;
  settle: (outcome: Outcome) => void;
  fail: (err: unknown) => void;
}

/**
 * Membership-only changes to one group (PATCH add/remove members without If-Match) are written one
 * transaction at a time per group, and every change that arrives while one is being written goes into the next.
 * They commute, so nothing is compared-and-set; each keeps its own journal rows (with its request id) in arrival
 * order, and a change naming an unknown member is refused alone. A busy group (every joiner added to "All staff")
 * thus costs one version bump, one row lock and one commit per batch instead of per request.
 */
@Injectable()
export class MembershipCoalescer {
  /** Per group with a transaction under way: the changes waiting for the next one. */
  private readonly waiting = new Map<string, Queued[]>();

  constructor(
    private readonly groups: GroupsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly journal: JournalWriter,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Applies the change (never `removeAll`); resolves with the group as written, or `unchanged`. */
  apply(
    groupId: string,
    change: MembershipChange,
    ctx: RequestContext,
  ): Promise<DirectoryGroup | 'unchanged'> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: Outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      const item: Queued = { change, ctx, settle, fail: reject };
      const queue = this.waiting.get(groupId);
      if (queue) {
        queue.push(item);
        return;
      }
      this.waiting.set(groupId, []);
      void this.drain(groupId, [item]);
    });
  }

  private async drain(groupId: string, batch: Queued[]): Promise<void> {
    for (;;) {
      try {
        const outcomes = await this.tx.runGrouped((manager) => this.write(manager, groupId, batch));
        batch.forEach((item, i) => item.settle(outcomes[i]));
      } catch (err) {
        for (const item of batch) item.fail(err);
      }
      const queue = this.waiting.get(groupId)!;
      if (queue.length === 0) {
        this.waiting.delete(groupId);
        return;
      }
      batch = queue.splice(0, MAX_BATCH);
    }
  }

  /**
   * One transaction for the batch, two round trips on MySQL: the group locked and read with the members'
   * validation and current state, then the version, the member rows, the journal and the COMMIT.
   */
  private async write(manager: EntityManager, groupId: string, batch: Queued[]): Promise<Outcome[]> {
    const adds = [...new Set(batch.flatMap((q) => addedIds(q.change.add)))];
    const named = [...new Set([...adds, ...batch.flatMap((q) => q.change.remove)])];
    const locked = this.groups.findLiveForUpdateDeferred(manager, groupId);
    const live = liveMemberIds(manager, adds);
    const before = await this.memberships.presentAmong(manager, groupId, named);
    const current = await locked;
    if (!current) {
      const gone = new NotFoundError(`Group ${groupId} not found`);
      return batch.map(() => gone);
    }
    const plans = this.plan(groupId, batch, await live);
    if (!plans.some((p) => !(p instanceof Error) && p !== 'unchanged')) return plans as Outcome[];
    const now = this.clock.now();
    const row: DirectoryGroup = { ...current, version: current.version + 1, updatedAt: now };
    await this.groups.setVersion(manager, groupId, row.version, now);
    // Replay the changes in order on the current membership of the ids they name; write only the net result.
    const present = new Set(before);
    const types = new Map<string, MemberType>();
    const entries: { entry: JournalEntry; ctx: RequestContext }[] = [];
    const journal = (kind: 'members_added' | 'members_removed', ids: string[], ctx: RequestContext) => {
      for (const entry of JournalWriter.membershipEntries(groupId, kind, ids, row.version))
        entries.push({ entry, ctx });
    };
    plans.forEach((p, i) => {
      if (p instanceof Error || p === 'unchanged') return;
      const removed = p.remove.filter((id) => present.delete(id));
      const added = p.add.filter((m) => !present.has(m.value));
      for (const m of added) {
        present.add(m.value);
        types.set(m.value, m.type);
      }
      journal('members_removed', removed, batch[i].ctx);
      journal(
        'members_added',
        added.map((m) => m.value),
        batch[i].ctx,
      );
    });
    await this.memberships.deleteIds(
      manager,
      groupId,
      [...before].filter((id) => !present.has(id)),
    );
    await this.memberships.insertFresh(
      manager,
      groupId,
      [...present].filter((id) => !before.has(id)).map((value) => ({ value, type: types.get(value)! })),
      now,
    );
    await this.journal.appendMany(manager, entries);
    return plans.map((p) => (p instanceof Error || p === 'unchanged' ? p : row));
  }

  /** Per change: the members it adds (validated, typed) and removes; a refusal stays with its own change. */
  private plan(
    groupId: string,
    batch: Queued[],
    live: { users: Set<string>; groups: Set<string> },
  ): ({ add: StoredMember[]; remove: string[] } | 'unchanged' | Error)[] {
    return batch.map(({ change }) => {
      try {
        const plan = planChange(groupId, change, live.users, live.groups);
        return plan.add.length === 0 && plan.remove.length === 0 ? 'unchanged' : plan;
      } catch (err) {
        return err as Error;
      }
    });
  }
}
