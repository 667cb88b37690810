import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ApiToken } from './api-token.entity';

@Injectable()
export class ApiTokensRepository {
  private readonly repo: Repository<ApiToken>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiToken);
  }

  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.repo.findOneBy({ tokenHash });
  }

  /** The token whose previous secret (before its last rotation) this is. */
  findByPreviousHash(previousTokenHash: string): Promise<ApiToken | null> {
    return this.repo.findOneBy({ previousTokenHash });
  }

  /** In the caller's transaction (the change and its audit entry commit together). */
  async update(manager: EntityManager, id: string, changes: Partial<Omit<ApiToken, 'id'>>): Promise<void> {
    await manager.update(ApiToken, { id }, changes);
  }

  findById(id: string): Promise<ApiToken | null> {
    return this.repo.findOneBy({ id });
  }

  list(): Promise<ApiToken[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async insert(manager: EntityManager, token: ApiToken): Promise<void> {
    await manager.insert(ApiToken, token);
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.delete(ApiToken, { id });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
