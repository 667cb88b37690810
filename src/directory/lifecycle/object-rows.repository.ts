import { DataSource, EntityManager } from 'typeorm';
import { toDbDateText } from '../../database/db-values';
import { execute, select } from '../../database/sql';

/** What a user and a group row share: the columns of their lifecycle. */
export interface LifecycleRow {
  id: string;
  version: number;
  deletedAt: Date | null;
}

/**
 * The lifecycle queries users and groups share: the live row by id, the soft delete that keeps the row for
 * deprovisioning (DESIGN §3), and the purge once the retention window has passed.
 */
export abstract class ObjectRowsRepository<T extends LifecycleRow> {
  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly table: 'directory_user' | 'directory_group',
    private readonly hydrate: (raw: Record<string, unknown>) => T,
    /** Columns a soft delete also clears (`user_name_normalized`: the userName is free again for a rehire). */
    private readonly clearedOnDelete: string[] = [],
  ) {}

  async findLive(id: string, manager: EntityManager = this.dataSource.manager): Promise<T | null> {
    const [raw] = await select<Record<string, unknown>>(
      manager,
      `SELECT * FROM ${this.table} WHERE id = ? AND deleted_at IS NULL`,
      [id],
    );
    return raw ? this.hydrate(raw) : null;
  }

  /** False when the row is gone or no longer at `expectedVersion` (a concurrent writer won). */
  async softDeleteIfVersion(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    at: Date,
  ): Promise<boolean> {
    const cleared = this.clearedOnDelete.map((column) => `, ${column} = NULL`).join('');
    const affected = await execute(
      manager,
      `UPDATE ${this.table} SET deleted_at = ?, updated_at = ?, version = ?${cleared}
        WHERE id = ? AND version = ? AND deleted_at IS NULL`,
      [at, at, expectedVersion + 1, id, expectedVersion],
    );
    return affected === 1;
  }

  /** Ids of soft-deleted rows whose retention window has passed, oldest first. */
  async findPurgeable(before: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM ${this.table} WHERE deleted_at IS NOT NULL AND deleted_at < ? ORDER BY deleted_at LIMIT ?`,
      [toDbDateText(before), limit],
    );
    return rows.map((r) => r.id);
  }

  async hardDelete(manager: EntityManager, id: string): Promise<boolean> {
    return (await execute(manager, `DELETE FROM ${this.table} WHERE id = ?`, [id])) === 1;
  }
}
