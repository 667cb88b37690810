import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { TransactionRunner } from '../../database/transaction-runner';
import type { WritePreconditions } from '../directory.types';
import { JournalWriter } from '../journal/journal.writer';
import { MembershipsRepository } from '../memberships/memberships.repository';
import { checkPreconditions, retryOnRace } from '../write-guard';
import type { LifecycleRow, ObjectRowsRepository } from './object-rows.repository';

/**
 * DELETE from HR, for users and groups alike: the object leaves every SCIM read and every group it was in (a group
 * also loses its members), and its row stays, marked deleted, so that the targets can be deprovisioned; the
 * journal says so in the same transaction.
 */
@Injectable()
export class SoftDeleteService {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly journal: JournalWriter,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async softDelete<T extends LifecycleRow>(
    objectType: 'User' | 'Group',
    rows: ObjectRowsRepository<T>,
    id: string,
    pre: WritePreconditions,
    ctx: RequestContext,
  ): Promise<void> {
    await retryOnRace(objectType === 'User' ? 'user' : 'group', async () => {
      const current = await rows.findLive(id);
      if (!current) throw new NotFoundError(`${objectType} ${id} not found`);
      checkPreconditions(pre, current.version);
      const now = this.clock.now();
      return this.tx.runGrouped(async (manager) => {
        if (!(await rows.softDeleteIfVersion(manager, id, current.version, now))) return false;
        const version = current.version + 1;
        // A deleted group's members leave it: journaled like any removal, so assignments of the group see them go.
        const members = objectType === 'Group' ? await this.memberships.removeAll(manager, id) : [];
        await this.journal.append(
          manager,
          { objectType, objectId: id, kind: 'deleted', objectVersion: version },
          ctx,
        );
        await this.journal.appendMembershipChange(manager, id, 'members_removed', members, version, ctx);
        const groups = await this.memberships.removeMemberEverywhere(manager, id);
        await this.journal.appendLeftGroups(manager, groups, id, ctx);
        return true;
      });
    });
  }
}
