import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { RequestContext } from '../common/http/request-context';
import { insertRow } from '../database/sql';
import { ChangeKind, ChangeObjectType } from './directory-change.entity';

/** Member ids beyond this count are summarised: the engine diffs membership state, not the journal text. */
const MAX_IDS_IN_DETAIL = 100;

@Injectable()
export class ChangeJournalRepository {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /** Appends one journal row; callers pass the manager of the write's own transaction. */
  async append(
    manager: EntityManager,
    entry: {
      objectType: ChangeObjectType;
      objectId: string;
      kind: ChangeKind;
      objectVersion: number;
      detail?: Record<string, unknown>;
    },
    ctx: RequestContext,
  ): Promise<void> {
    await insertRow(manager, 'directory_change', {
      object_type: entry.objectType,
      object_id: entry.objectId,
      kind: entry.kind,
      object_version: entry.objectVersion,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      request_id: ctx.requestId,
      changed_at: this.clock.now(),
    });
  }

  /** One `members_removed` row per group that lost `memberId` (a deleted user or group leaves them all). */
  async appendLeftGroups(
    manager: EntityManager,
    groupIds: string[],
    memberId: string,
    ctx: RequestContext,
  ): Promise<void> {
    for (const groupId of groupIds) {
      await this.append(
        manager,
        {
          objectType: 'Group',
          objectId: groupId,
          kind: 'members_removed',
          objectVersion: 0,
          detail: ChangeJournalRepository.memberDetail([memberId]),
        },
        ctx,
      );
    }
  }

  static memberDetail(ids: string[]): Record<string, unknown> {
    return ids.length <= MAX_IDS_IN_DETAIL ? { count: ids.length, ids } : { count: ids.length };
  }
}
