import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig, DirectoryHistoryMode } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Actor, RequestContext } from '../../common/request-context';
import { executeDeferred } from '../../database/sql';
import { chunks } from '../../common/chunks';
import { SchemaRegistry, type ScimDocument } from '../../scim-protocol';
import { describeChangedAttributes } from './changed-attributes';
import { ChangeKind, ChangeObjectType } from './directory-change.entity';

/**
 * Member ids per membership row: every id is journaled (assignments put a group's members in and out of a target's
 * scope), 1,000 to a row so that a row's detail stays under 64 KB (MySQL TEXT).
 */
const IDS_PER_ROW = 1000;

/** Journal rows per INSERT: 12 parameters each stays far below either engine's placeholder limit. */
const ROWS_PER_INSERT = 500;

export interface JournalEntry {
  objectType: ChangeObjectType;
  objectId: string;
  kind: ChangeKind;
  objectVersion: number;
  detail?: Record<string, unknown>;
  /**
   * The document before and after a create (before null), replace or patch: the row records the attributes that
   * differ. The writer diffs documents the write already holds, so the history costs no extra read.
   */
  documents?: { before: ScimDocument | null; after: ScimDocument };
}

/**
 * The change journal's only writer: every directory write appends its rows in its own transaction, so a change
 * can never reach the store without reaching the journal (the provisioning engine's hand-off).
 */
@Injectable()
export class JournalWriter {
  private readonly history: DirectoryHistoryMode;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: SchemaRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.history = config.history;
  }

  /** Appends one journal row; callers pass the manager of the write's own transaction. */
  append(manager: EntityManager, entry: JournalEntry, ctx: RequestContext): Promise<void> {
    return this.appendMany(manager, [{ entry, ctx }]);
  }

  /** Appends rows in order, a few hundred per statement; each carries the request id of its own context. */
  async appendMany(
    manager: EntityManager,
    entries: { entry: JournalEntry; ctx: RequestContext }[],
  ): Promise<void> {
    const at = this.clock.now();
    for (const chunk of chunks(entries, ROWS_PER_INSERT)) {
      await executeDeferred(
        manager,
        `INSERT INTO directory_change (object_type, object_id, kind, object_version, detail, request_id, actor_kind, actor_id, actor_name, actor_token_id, changed_attributes, changed_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap(({ entry, ctx }) => [
          entry.objectType,
          entry.objectId,
          entry.kind,
          entry.objectVersion,
          entry.detail ? JSON.stringify(entry.detail) : null,
          ...this.historyColumns(entry, ctx),
          at,
        ]),
      );
    }
  }

  /** One `members_removed` row per group that lost `memberId` (a deleted user or group leaves them all). */
  appendLeftGroups(
    manager: EntityManager,
    groupIds: string[],
    memberId: string,
    ctx: RequestContext,
  ): Promise<void> {
    const detail = { count: 1, ids: [memberId] };
    return this.appendMany(
      manager,
      groupIds.map((groupId) => ({
        entry: { objectType: 'Group', objectId: groupId, kind: 'members_removed', objectVersion: 0, detail },
        ctx,
      })),
    );
  }

  /** The rows of one membership change of a group: every member id, 1,000 to a row. */
  static membershipEntries(
    groupId: string,
    kind: 'members_added' | 'members_removed',
    memberIds: string[],
    objectVersion: number,
  ): JournalEntry[] {
    return [...chunks(memberIds, IDS_PER_ROW)].map((ids) => ({
      objectType: 'Group',
      objectId: groupId,
      kind,
      objectVersion,
      detail: { count: ids.length, ids },
    }));
  }

  appendMembershipChange(
    manager: EntityManager,
    groupId: string,
    kind: 'members_added' | 'members_removed',
    memberIds: string[],
    objectVersion: number,
    ctx: RequestContext,
  ): Promise<void> {
    const entries = JournalWriter.membershipEntries(groupId, kind, memberIds, objectVersion);
    return this.appendMany(
      manager,
      entries.map((entry) => ({ entry, ctx })),
    );
  }

  /**
   * The request id, the actor (four columns) and the changed attributes, as DIRECTORY_HISTORY says. The request id
   * is kept in every mode: the journal had it before the history, and it is how a provisioning-log entry names the
   * inbound request that caused it.
   */
  private historyColumns(entry: JournalEntry, ctx: RequestContext): unknown[] {
    if (this.history === 'off') return [ctx.requestId, null, null, null, null, null];
    const changed = entry.documents
      ? describeChangedAttributes(
          this.registry,
          entry.objectType,
          entry.documents.before,
          entry.documents.after,
          this.history === 'full',
        )
      : null;
    return [ctx.requestId, ...actorColumns(ctx.actor), changed];
  }
}

/** actor_kind, actor_id, actor_name, actor_token_id. */
function actorColumns(actor: Actor): [string, string, string | null, string | null] {
  switch (actor.kind) {
    case 'token':
      return ['token', actor.id, actor.name.slice(0, 100), null];
    case 'import':
      return ['import', actor.id, actor.token.name?.slice(0, 100) ?? null, actor.token.id];
    case 'system':
      return ['system', actor.id, actor.name, null];
  }
}
