import { Injectable } from '@nestjs/common';
import { chunks } from '../../common/chunks';
import { DataSource, In } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner';
import { ProvisionedMembership } from './provisioned-membership.entity';

/** Which members each group has in each target, as far as the engine sent them. */
@Injectable()
export class ProvisionedMembershipsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async memberIds(targetId: string, groupId: string): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ member_id: string }[]>(
      'SELECT member_id FROM provisioned_membership WHERE target_id = ? AND group_id = ?',
      [targetId, groupId],
    );
    return new Set(rows.map((r) => r.member_id));
  }

  async record(
    targetId: string,
    groupId: string,
    added: string[],
    removed: string[],
    at: Date,
  ): Promise<void> {
    await this.tx.run(async (m) => {
      for (const chunk of chunks(removed, 500))
        await m.delete(ProvisionedMembership, { targetId, groupId, memberId: In(chunk) });
      for (const chunk of chunks(added, 200))
        await m
          .createQueryBuilder()
          .insert()
          .into(ProvisionedMembership)
          .values(chunk.map((memberId) => ({ targetId, groupId, memberId, createdAt: at })))
          .orIgnore()
          .execute();
    });
  }

  /** The object left the target: it is no member of anything there, and a deleted group has no members. */
  async forget(targetId: string, objectId: string): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(ProvisionedMembership, { targetId, memberId: objectId });
      await m.delete(ProvisionedMembership, { targetId, groupId: objectId });
    });
  }
}
