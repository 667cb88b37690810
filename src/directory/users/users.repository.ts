import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { fromDbDate } from '../../database/db-values';
import { executeDeferred, forUpdate, insertRow, select } from '../../database/sql';
import { ObjectRowsRepository } from '../lifecycle/object-rows.repository';
import { DirectoryUser } from './directory-user.entity';
import { GroupRef } from '../directory.types';
import type { CompiledListQuery } from '../list/list-query.compiler';
import { hydrate, listPage, ListPage, readRows, StoredRow } from '../list/list-page';
import { LiveCounts } from '../list/live-counts';

/** Intent-named queries over `directory_user`. Reads skip soft-deleted rows unless they say otherwise. */
@Injectable()
export class UsersRepository extends ObjectRowsRepository<DirectoryUser> {
  constructor(
    dataSource: DataSource,
    private readonly liveCounts: LiveCounts,
  ) {
    // A deleted user's userName is free again at once (rehires): its unique key is cleared.
    super(dataSource, 'directory_user', hydrateUser, ['user_name_normalized']);
  }

  /**
   * The live users among `ids` (a few dozen at most), locked until the transaction of `manager` ends: on MySQL
   * row locks (FOR UPDATE) taken in primary-key order; SQLite has one writer, whose transaction excludes every other.
   */
  async findManyLiveForUpdate(manager: EntityManager, ids: string[]): Promise<DirectoryUser[]> {
    const rows = await select<Record<string, unknown>>(
      manager,
      // `+deleted_at`: SQLite would otherwise prefer the deleted_at index to the ids (see liveIdsIn).
      `SELECT * FROM directory_user WHERE id IN (${ids.map(() => '?').join(', ')}) AND +deleted_at IS NULL
        ORDER BY id${forUpdate(manager)}`,
      ids,
    );
    return rows.map(hydrateUser);
  }

  /** Live users whose externalId is exactly `externalId` (it is not unique: callers handle several). */
  findLiveByExternalId(externalId: string, limit = 2): Promise<DirectoryUser[]> {
    return this.dataSource.manager.find(DirectoryUser, {
      where: { externalId, deletedAt: IsNull() },
      take: limit,
    });
  }

  /**
   * Live users by normalized userName, for a batch of lookups, with their groups when asked (in the same
   * round trip on MySQL). At most one user per name.
   */
  async findLiveByUserNames(
    names: string[],
    withGroups: boolean,
  ): Promise<{ byName: Map<string, StoredRow>; groups?: Map<string, GroupRef[]> }> {
    const placeholders = names.map(() => '?').join(', ');
    // `+deleted_at`: SQLite would otherwise prefer the deleted_at index to the userName index for a list of names.
    const page = (columns: string) =>
      `SELECT ${columns} FROM directory_user u WHERE u.user_name_normalized IN (${placeholders}) AND +u.deleted_at IS NULL`;
    const { raw, groups } = await readRows(
      this.dataSource,
      page('u.id, u.doc, u.version, u.created_at, u.updated_at, u.user_name_normalized'),
      names,
      withGroups ? () => page('u.id') : undefined,
    );
    return { byName: new Map(raw.map((r) => [r.user_name_normalized as string, hydrate(r)])), groups };
  }

  findLiveByUserName(userNameNormalized: string): Promise<DirectoryUser | null> {
    return this.dataSource.manager.findOneBy(DirectoryUser, { userNameNormalized, deletedAt: IsNull() });
  }

  async insert(manager: EntityManager, row: DirectoryUser): Promise<void> {
    await insertRow(manager, 'directory_user', toColumns(row));
  }

  /** Writes a row read with `findLiveForUpdate` in the same transaction (deferred: see executeDeferred). */
  async update(manager: EntityManager, row: DirectoryUser): Promise<void> {
    await executeDeferred(
      manager,
      `UPDATE directory_user SET user_name = ?, user_name_normalized = ?, external_id = ?, display_name_normalized = ?,
         primary_email_normalized = ?, active = ?, hire_at = ?, leave_at = ?, doc = ?, version = ?, updated_at = ?
       WHERE id = ?`,
      [
        row.userName,
        row.userNameNormalized,
        row.externalId,
        row.displayNameNormalized,
        row.primaryEmailNormalized,
        row.active,
        row.hireAt,
        row.leaveAt,
        row.doc,
        row.version,
        row.updatedAt,
        row.id,
      ],
    );
  }

  /** A page of users, with the groups of each when `withGroups` (read with the page: see listPage). */
  list(query: CompiledListQuery, withGroups = false): Promise<ListPage<StoredRow>> {
    return listPage(this.dataSource, 'directory_user', 'u', query, {
      withGroups,
      liveCounts: this.liveCounts,
    });
  }
}

function toColumns(row: DirectoryUser): Record<string, unknown> {
  return {
    id: row.id,
    user_name: row.userName,
    user_name_normalized: row.userNameNormalized,
    external_id: row.externalId,
    display_name_normalized: row.displayNameNormalized,
    primary_email_normalized: row.primaryEmailNormalized,
    active: row.active,
    hire_at: row.hireAt,
    leave_at: row.leaveAt,
    doc: row.doc,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    deleted_at: row.deletedAt,
  };
}

function hydrateUser(raw: Record<string, unknown>): DirectoryUser {
  return {
    id: raw.id as string,
    userName: raw.user_name as string,
    userNameNormalized: (raw.user_name_normalized as string | null) ?? null,
    externalId: (raw.external_id as string | null) ?? null,
    displayNameNormalized: (raw.display_name_normalized as string | null) ?? null,
    primaryEmailNormalized: (raw.primary_email_normalized as string | null) ?? null,
    active: Boolean(Number(raw.active)),
    hireAt: raw.hire_at == null ? null : fromDbDate(raw.hire_at),
    leaveAt: raw.leave_at == null ? null : fromDbDate(raw.leave_at),
    doc: raw.doc as string,
    version: Number(raw.version),
    createdAt: fromDbDate(raw.created_at),
    updatedAt: fromDbDate(raw.updated_at),
    deletedAt: raw.deleted_at == null ? null : fromDbDate(raw.deleted_at),
  };
}
