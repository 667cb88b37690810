import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { chunks } from '../../common/chunks';
import { fromDbDate } from '../../database/db-values';
import { executeDeferred, forUpdate, selectDeferred } from '../../database/sql';
import { ObjectRowsRepository } from '../lifecycle/object-rows.repository';
import { DirectoryGroup } from './directory-group.entity';
import type { CompiledListQuery } from '../list/list-query.compiler';
import { listPage, ListPage, StoredRow } from '../list/list-page';
import { LiveCounts } from '../list/live-counts';
import type { StoredMember } from '../directory.types';
import type { MemberType } from '../memberships/group-membership.entity';

/** Intent-named queries over `directory_group`. Reads skip soft-deleted rows unless they say otherwise. */
@Injectable()
export class GroupsRepository extends ObjectRowsRepository<DirectoryGroup> {
  constructor(
    dataSource: DataSource,
    private readonly liveCounts: LiveCounts,
  ) {
    super(dataSource, 'directory_group', hydrateGroup);
  }

  /**
   * The live group, locked until the transaction of `manager` ends (FOR UPDATE on MySQL; SQLite's writer is
   * alone), read with the transaction's next statement (see selectDeferred).
   */
  findLiveForUpdateDeferred(manager: EntityManager, id: string): PromiseLike<DirectoryGroup | null> {
    return selectDeferred(
      manager,
      `SELECT * FROM directory_group WHERE id = ? AND deleted_at IS NULL${forUpdate(manager)}`,
      [id],
      (rows: Record<string, unknown>[]) => (rows[0] ? hydrateGroup(rows[0]) : null),
    );
  }

  /** The new version of a group locked by `findLiveForUpdateDeferred` whose members changed (deferred). */
  async setVersion(manager: EntityManager, id: string, version: number, at: Date): Promise<void> {
    await executeDeferred(manager, 'UPDATE directory_group SET version = ?, updated_at = ? WHERE id = ?', [
      version,
      at,
      id,
    ]);
  }

  async insert(manager: EntityManager, row: DirectoryGroup): Promise<void> {
    await manager.insert(DirectoryGroup, row);
  }

  async updateIfVersion(
    manager: EntityManager,
    row: DirectoryGroup,
    expectedVersion: number,
  ): Promise<boolean> {
    const { id, createdAt: _createdAt, ...changes } = row;
    const result = await manager.update(
      DirectoryGroup,
      { id, version: expectedVersion, deletedAt: IsNull() },
      changes,
    );
    return (result.affected ?? 0) === 1;
  }

  /**
   * Bumps the version of a group whose only change is its membership (ETags must change too). Without an
   * expected version the increment is unconditional: membership row changes commute, so concurrent member
   * additions to one large group never conflict.
   */
  async bumpVersion(
    manager: EntityManager,
    id: string,
    expectedVersion: number | undefined,
    at: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(DirectoryGroup)
      .set({ version: () => 'version + 1', updatedAt: at })
      .where('id = :id AND deleted_at IS NULL', { id })
      .andWhere(expectedVersion === undefined ? '1 = 1' : 'version = :expectedVersion', { expectedVersion })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  list(query: CompiledListQuery): Promise<ListPage<StoredRow>> {
    return listPage(this.dataSource, 'directory_group', 'g', query, { liveCounts: this.liveCounts });
  }

  /**
   * The members of these groups in the order they joined, each with its display name (RFC 7643 §4.2 `display`):
   * a user's displayName, else its userName; a group's displayName. Read by join, one statement per 500 groups:
   * only the names travel, never the members' documents.
   */
  async listMembersWithDisplay(groupIds: string[]): Promise<Map<string, DisplayedMember[]>> {
    const byGroup = new Map<string, DisplayedMember[]>(groupIds.map((id) => [id, []]));
    const userDisplayName =
      this.dataSource.options.type === 'better-sqlite3'
        ? `json_extract(u.doc, '$.displayName')`
        : `JSON_UNQUOTE(JSON_EXTRACT(u.doc, '$.displayName'))`;
    for (const chunk of chunks(groupIds, 500)) {
      const rows = await this.dataSource.query<MemberRow[]>(
        `SELECT m.group_id, m.member_id, m.member_type,
                CASE WHEN m.member_type = 'Group' THEN g.display_name
                     ELSE COALESCE(${userDisplayName}, u.user_name) END AS display
           FROM group_membership m
           LEFT JOIN directory_user u ON m.member_type = 'User' AND u.id = m.member_id
           LEFT JOIN directory_group g ON m.member_type = 'Group' AND g.id = m.member_id
          WHERE m.group_id IN (${chunk.map(() => '?').join(',')})
          ORDER BY m.created_at, m.member_id`,
        chunk,
      );
      for (const r of rows) {
        byGroup
          .get(r.group_id)!
          .push({ value: r.member_id, type: r.member_type, display: r.display ?? undefined });
      }
    }
    return byGroup;
  }
}

/** A member as a group read shows it. */
export interface DisplayedMember extends StoredMember {
  display?: string;
}

interface MemberRow {
  group_id: string;
  member_id: string;
  member_type: MemberType;
  display: string | null;
}

function hydrateGroup(raw: Record<string, unknown>): DirectoryGroup {
  return {
    id: raw.id as string,
    displayName: raw.display_name as string,
    displayNameNormalized: raw.display_name_normalized as string,
    externalId: (raw.external_id as string | null) ?? null,
    doc: raw.doc as string,
    version: Number(raw.version),
    createdAt: fromDbDate(raw.created_at),
    updatedAt: fromDbDate(raw.updated_at),
    deletedAt: raw.deleted_at == null ? null : fromDbDate(raw.deleted_at),
  };
}
