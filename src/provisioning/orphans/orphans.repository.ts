import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, placeholders } from '../../common/chunks';
import { fromDbDate, toDbDateText } from '../../database/db-values';
import { execute, forUpdate } from '../../database/sql';
import type { TargetAccount } from '../client';
import { OrphanAccount, OrphanState } from './orphan-account.entity';
import { targetObjectIndexHint } from '../queue/work-queue.repository';

const CHUNK = 500;

export interface FoundOrphan {
  account: TargetAccount;
  directoryUserId: string | null;
}

/** Orphan accounts per target, and the queue rows that say which target accounts are already linked. */
@Injectable()
export class OrphansRepository {
  private readonly mysql: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type !== 'better-sqlite3';
  }

  /** Which of the target's account ids a directory user of this target holds (any status but none): account → user. */
  async holders(
    targetId: string,
    accountIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks(accountIds, CHUNK)) {
      const rows = await manager.query<{ target_object_id: string; object_id: string }[]>(
        `SELECT target_object_id, object_id FROM provisioned_object${targetObjectIndexHint(this.mysql)}
          WHERE target_id = ? AND target_object_id IN (${placeholders(chunk.length)}) AND +object_type = 'User'`,
        [targetId, ...chunk],
      );
      for (const r of rows) out.set(r.target_object_id, r.object_id);
    }
    return out;
  }

  /** True while the reconciliation's queued work for the target is not all done (discovery waits for it). */
  async reconcilePending(targetId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM provisioned_object WHERE target_id = ? AND pending = 1 AND reconcile = 1 LIMIT 1',
      [targetId],
    );
    return rows.length > 0;
  }

  /** Records what a listing found: new rows open, known ones refreshed (an account deleted or linked that is back is open again). */
  async record(targetId: string, found: FoundOrphan[], seenAt: Date): Promise<void> {
    const at = toDbDateText(seenAt);
    for (const chunk of chunks(found, CHUNK)) {
      const params: unknown[] = [];
      const values = chunk.map(({ account, directoryUserId }) => {
        params.push(
          targetId,
          account.id,
          account.userName,
          account.externalId,
          account.active === null ? null : account.active ? 1 : 0,
          directoryUserId,
          at,
          at,
        );
        return "(?, ?, ?, ?, ?, ?, 'open', ?, ?, NULL)";
      });
      const v = (col: string) => (this.mysql ? `VALUES(${col})` : `excluded.${col}`);
      const update = `user_name = ${v('user_name')}, external_id = ${v('external_id')}, active = ${v('active')},
        directory_user_id = ${v('directory_user_id')}, last_seen_at = ${v('last_seen_at')},
        state = CASE WHEN state IN ('deleted', 'linked') THEN 'open' ELSE state END`;
      await this.dataSource.query(
        `INSERT INTO orphan_account
           (target_id, target_object_id, user_name, external_id, active, directory_user_id, state, first_seen_at, last_seen_at, acted_at)
         VALUES ${values.join(', ')}
         ${this.mysql ? `ON DUPLICATE KEY UPDATE ${update}` : `ON CONFLICT (target_id, target_object_id) DO UPDATE SET ${update}`}`,
        params,
      );
    }
  }

  /** After a complete listing: rows it did not find unlinked (gone from the target, or linked since) go. */
  async removeUnseen(targetId: string, before: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OrphanAccount)
      .where('target_id = :targetId AND last_seen_at < :before', { targetId, before: toDbDateText(before) })
      .execute();
    return result.affected ?? 0;
  }

  /** The accounts a listing that began at `since` recorded (or refreshed), in id order after `after`. */
  async seenSince(targetId: string, since: Date, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ target_object_id: string }[]>(
      `SELECT target_object_id FROM orphan_account
        WHERE target_id = ? AND target_object_id > ? AND last_seen_at >= ?
        ORDER BY target_object_id LIMIT ?`,
      [targetId, after ?? '', toDbDateText(since), limit],
    );
    return rows.map((r) => r.target_object_id);
  }

  /** How many accounts a listing that began at `since` left recorded, and how many have a directory candidate. */
  async countSeenSince(
    targetId: string,
    since: Date,
  ): Promise<{ orphans: number; withDirectoryCandidate: number }> {
    const [row] = await this.dataSource.query<{ n: number | string; c: number | string | null }[]>(
      `SELECT COUNT(*) AS n, COUNT(directory_user_id) AS c FROM orphan_account
        WHERE target_id = ? AND last_seen_at >= ?`,
      [targetId, toDbDateText(since)],
    );
    return { orphans: Number(row?.n ?? 0), withDirectoryCandidate: Number(row?.c ?? 0) };
  }

  /** Drops these accounts from the orphans (a directory object of the target holds each of them now). */
  async remove(targetId: string, accountIds: string[]): Promise<void> {
    for (const chunk of chunks(accountIds, CHUNK))
      await this.dataSource.query(
        `DELETE FROM orphan_account WHERE target_id = ? AND target_object_id IN (${placeholders(chunk.length)})`,
        [targetId, ...chunk],
      );
  }

  async list(
    targetId: string,
    options: { after: string | null; limit: number; matched?: boolean; state?: OrphanState },
  ): Promise<OrphanAccount[]> {
    const where = ['target_id = ?', this.notTaken()];
    const params: unknown[] = [targetId];
    if (options.after !== null) {
      where.push('target_object_id > ?');
      params.push(options.after);
    }
    if (options.matched !== undefined)
      where.push(options.matched ? 'directory_user_id IS NOT NULL' : 'directory_user_id IS NULL');
    if (options.state !== undefined) {
      where.push('state = ?');
      params.push(options.state);
    }
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT * FROM orphan_account WHERE ${where.join(' AND ')} ORDER BY target_object_id LIMIT ?`,
      [...params, options.limit],
    );
    return rows.map(toEntity);
  }

  async count(targetId: string): Promise<{ open: number; total: number }> {
    const [row] = await this.dataSource.query<{ total: number | string; open: number | string | null }[]>(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS open
         FROM orphan_account WHERE target_id = ? AND ${this.notTaken()}`,
      [targetId],
    );
    return { total: Number(row?.total ?? 0), open: Number(row?.open ?? 0) };
  }

  /**
   * Leaves out the findings whose account the engine has matched to a directory user since the listing (a joiner
   * adopted it): that user's account now, not an orphan. Their rows stay until the next listing, which drops them
   * (`removeUnseen`): a read never deletes.
   */
  private notTaken(): string {
    return `(state = 'linked' OR NOT EXISTS (
      SELECT 1 FROM provisioned_object p${targetObjectIndexHint(this.mysql)}
       WHERE p.target_id = orphan_account.target_id AND p.target_object_id = orphan_account.target_object_id
         AND +p.object_type = 'User'))`;
  }

  async find(targetId: string, accountId: string): Promise<OrphanAccount | null> {
    return this.dataSource.manager.findOneBy(OrphanAccount, { targetId, targetObjectId: accountId });
  }

  async markActed(
    targetId: string,
    accountId: string,
    state: OrphanState,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.update(
      OrphanAccount,
      { targetId, targetObjectId: accountId },
      { state, actedAt: at, ...(state === 'disabled' ? { active: false } : {}) },
    );
  }

  /**
   * Adopts the account for a directory user, in the caller's transaction: the user's queue row for the target takes
   * the account's id as if a lookup had matched it. Refused (with the reason) when the user already holds an account
   * in the target, or an attempt holds the row right now.
   */
  async link(
    manager: EntityManager,
    targetId: string,
    accountId: string,
    userId: string,
    now: Date,
    /** Queues the user for a comparison with the account (creates its row when it has none). */
    enqueue: () => Promise<void>,
  ): Promise<'linked' | 'already_linked' | 'busy'> {
    const [row] = await manager.query<
      { target_object_id: string | null; status: string; lease_until: unknown }[]
    >(
      `SELECT target_object_id, status, lease_until FROM provisioned_object
        WHERE target_id = ? AND object_type = 'User' AND object_id = ?${forUpdate(manager)}`,
      [targetId, userId],
    );
    if (row?.target_object_id && (row.status === 'active' || row.status === 'disabled'))
      return 'already_linked';
    if (row?.lease_until && fromDbDate(row.lease_until).getTime() > now.getTime()) return 'busy';
    await enqueue();
    await execute(
      manager,
      `UPDATE provisioned_object
          SET target_object_id = ?, status = 'active', last_sent = NULL, last_sent_hash = NULL, ignored_changes = NULL,
              has_ignored_changes = 0, unsettled_claims = 0, updated_at = ?
        WHERE target_id = ? AND object_type = 'User' AND object_id = ?`,
      [accountId, toDbDateText(now), targetId, userId],
    );
    await execute(
      manager,
      `UPDATE orphan_account SET state = 'linked', directory_user_id = ?, acted_at = ?
        WHERE target_id = ? AND target_object_id = ?`,
      [userId, toDbDateText(now), targetId, accountId],
    );
    return 'linked';
  }
}

function toEntity(raw: Record<string, unknown>): OrphanAccount {
  const o = new OrphanAccount();
  o.targetId = raw.target_id as string;
  o.targetObjectId = raw.target_object_id as string;
  o.userName = (raw.user_name as string | null) ?? null;
  o.externalId = (raw.external_id as string | null) ?? null;
  o.active = raw.active === null || raw.active === undefined ? null : Boolean(Number(raw.active));
  o.directoryUserId = (raw.directory_user_id as string | null) ?? null;
  o.state = raw.state as OrphanState;
  o.firstSeenAt = fromDbDate(raw.first_seen_at);
  o.lastSeenAt = fromDbDate(raw.last_seen_at);
  o.actedAt = raw.acted_at === null || raw.acted_at === undefined ? null : fromDbDate(raw.acted_at);
  return o;
}
