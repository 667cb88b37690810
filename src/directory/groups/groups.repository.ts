import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { fromDbDate } from '../../database/db-values';
import { executeDeferred, forUpdate, selectDeferred } from '../../database/sql';
import { ObjectRowsRepository } from '../lifecycle/object-rows.repository';
import { DirectoryGroup } from './directory-group.entity';
import type { CompiledListQuery } from '../list/list-query.compiler';
import { listPage, ListPage, StoredRow } from '../list/list-page';

/** Intent-named queries over `directory_group`. Reads skip soft-deleted rows unless they say otherwise. */
@Injectable()
export class GroupsRepository extends ObjectRowsRepository<DirectoryGroup> {
  constructor(dataSource: DataSource) {
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
    return listPage(this.dataSource, 'directory_group', 'g', query);
  }
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
