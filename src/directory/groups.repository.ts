import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { fromDbDate } from '../database/db-values';
import { DirectoryGroup } from './directory-group.entity';
import { ListQuery } from './directory.types';
import { listPage, ListPage } from './list-page';
import { chunks } from './users.repository';

@Injectable()
export class GroupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findLive(id: string, manager: EntityManager = this.dataSource.manager): Promise<DirectoryGroup | null> {
    return manager.findOneBy(DirectoryGroup, { id, deletedAt: IsNull() });
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

  async softDeleteIfVersion(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    at: Date,
  ): Promise<boolean> {
    const result = await manager.update(
      DirectoryGroup,
      { id, version: expectedVersion, deletedAt: IsNull() },
      { deletedAt: at, updatedAt: at, version: expectedVersion + 1 },
    );
    return (result.affected ?? 0) === 1;
  }

  list(query: ListQuery): Promise<ListPage<DirectoryGroup>> {
    return listPage(this.dataSource, 'directory_group', 'g', hydrateGroup, query);
  }

  async liveIds(ids: string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(ids, 500)) {
      const rows = await manager.find(DirectoryGroup, {
        select: { id: true },
        where: { id: In(chunk), deletedAt: IsNull() },
      });
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  findPurgeable(before: Date, limit: number): Promise<DirectoryGroup[]> {
    return this.dataSource.manager
      .createQueryBuilder(DirectoryGroup, 'g')
      .where('g.deleted_at IS NOT NULL AND g.deleted_at < :before', { before })
      .orderBy('g.deleted_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  async hardDelete(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.delete(DirectoryGroup, { id });
    return (result.affected ?? 0) === 1;
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
