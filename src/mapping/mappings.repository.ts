import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { TargetMapping } from './target-mapping.entity';

/** Storage of `target_mapping`; writes are compare-and-set on `version` so that no replace is lost. */
@Injectable()
export class MappingsRepository {
  private readonly repo: Repository<TargetMapping>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(TargetMapping);
  }

  find(targetId: string): Promise<TargetMapping | null> {
    return this.repo.findOneBy({ targetId });
  }

  /** The stored version, without reading the definition; null when the target has none. */
  async versionOf(targetId: string): Promise<number | null> {
    const row = await this.repo.findOne({ select: { version: true }, where: { targetId } });
    return row?.version ?? null;
  }

  /** Throws a unique violation when another writer inserted the row first. */
  async insert(manager: EntityManager, row: TargetMapping): Promise<void> {
    await manager.insert(TargetMapping, row);
  }

  /** A removed target's mapping set, in the caller's transaction. */
  async remove(manager: EntityManager, targetId: string): Promise<void> {
    await manager.delete(TargetMapping, { targetId });
  }

  /** False when the stored version is no longer `expectedVersion`. */
  async updateIfVersion(
    manager: EntityManager,
    row: TargetMapping,
    expectedVersion: number,
  ): Promise<boolean> {
    const { targetId, ...changes } = row;
    const result = await manager.update(TargetMapping, { targetId, version: expectedVersion }, changes);
    return (result.affected ?? 0) === 1;
  }
}
