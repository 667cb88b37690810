import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { placeholders } from '../common/chunks';
import { toDbDateText } from '../database/db-values';
import { execute } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { AdminAuditEntry } from './admin-audit.entity';

export interface AuditQuery {
  actorTokenId?: string;
  /** Exact, or every action under a prefix ending in `.`. */
  action?: string;
  objectType?: string;
  objectId?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** Entries with an id below this (newest first paging). */
  before?: number;
  limit: number;
}

/** The `admin_audit` table: read newest first with a keyset cursor on `id`, purged in batches by age. */
@Injectable()
export class AuditLogRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  search(q: AuditQuery): Promise<AdminAuditEntry[]> {
    const qb = this.dataSource.manager.createQueryBuilder(AdminAuditEntry, 'a');
    if (q.actorTokenId) qb.andWhere('a.actor_token_id = :actor', { actor: q.actorTokenId });
    if (q.action?.endsWith('.'))
      // `_` is a LIKE wildcard and occurs in action names; `!` escapes it (SQLite has no default escape).
      qb.andWhere("a.action LIKE :prefix ESCAPE '!'", { prefix: `${q.action.replace(/[!%_]/g, '!$&')}%` });
    else if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.objectType) qb.andWhere('a.object_type = :objectType', { objectType: q.objectType });
    if (q.objectId) qb.andWhere('a.object_id = :objectId', { objectId: q.objectId });
    if (q.targetId) qb.andWhere('a.target_id = :targetId', { targetId: q.targetId });
    if (q.since) qb.andWhere('a.created_at >= :since', { since: toDbDateText(q.since) });
    if (q.until) qb.andWhere('a.created_at < :until', { until: toDbDateText(q.until) });
    if (q.before !== undefined) qb.andWhere('a.id < :before', { before: q.before });
    return qb.orderBy('a.id', 'DESC').limit(q.limit).getMany();
  }

  /** Deletes up to `limit` of the oldest entries written before `cutoff`, in a transaction; returns how many. */
  async purgeBatch(cutoff: Date, limit: number): Promise<number> {
    return this.tx.run(async (m) => {
      const rows = await m.query<{ id: number }[]>(
        'SELECT id FROM admin_audit WHERE created_at < ? ORDER BY id LIMIT ?',
        [toDbDateText(cutoff), limit],
      );
      if (rows.length === 0) return 0;
      return execute(
        m,
        `DELETE FROM admin_audit WHERE id IN (${placeholders(rows.length)})`,
        rows.map((r) => r.id),
      );
    });
  }
}
