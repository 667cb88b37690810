import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type DatabaseReadiness = 'ready' | 'unreachable' | 'migrations_pending';

/** Whether the database answers and every migration is applied (the readiness probe). */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  get engine(): string {
    return this.dataSource.options.type;
  }

  async readiness(): Promise<DatabaseReadiness> {
    try {
      await this.dataSource.query('SELECT 1');
      return (await this.dataSource.showMigrations()) ? 'migrations_pending' : 'ready';
    } catch {
      return 'unreachable';
    }
  }
}
