import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { RequestContext } from '../common/http/request-context';
import { execute, insertRow } from '../database/sql';
import { ChangeKind, ChangeObjectType } from './directory-change.entity';

/** Member ids beyond this count are summarised: the engine diffs membership state, not the journal text. */
const MAX_IDS_IN_DETAIL = 100;

export interface JournalEntry {
  objectType: ChangeObjectType;
  objectId: string;
  kind: ChangeKind;
  objectVersion: number;
  detail?: Record<string, unknown>;
}

@Injectable()
export class ChangeJournalRepository {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /** Appends one journal row; callers pass the manager of the write's own transaction. */
  async append(manager: EntityManager, entry: JournalEntry, ctx: RequestContext): Promise<void> {
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

  /** Appends several rows in one statement, in order; each carries the request id of its own context. */
  async appendMany(
    manager: EntityManager,
    entries: { entry: JournalEntry; ctx: RequestContext }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const at = this.clock.now();
    await execute(
      manager,
      `INSERT INTO directory_change (object_type, object_id, kind, object_version, detail, request_id, changed_at) VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      entries.flatMap(({ entry, ctx }) => [
        entry.objectType,
        entry.objectId,
        entry.kind,
        entry.objectVersion,
        entry.detail ? JSON.stringify(entry.detail) : null,
        ctx.requestId,
        at,
      ]),
    );
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
