import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
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

  async update(id: string, changes: Partial<Omit<ApiToken, 'id'>>): Promise<void> {
    await this.repo.update({ id }, changes);
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

  async insert(token: ApiToken): Promise<void> {
    await this.repo.insert(token);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
