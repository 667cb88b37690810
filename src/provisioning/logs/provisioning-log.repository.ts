import { chunks, placeholders } from '../../common/chunks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fromDbDate, toDbDateText } from '../../database/db-values';
import { execute } from '../../database/sql';
import { TransactionRunner } from '../../database/transaction-runner';
import { LogAction, LogStatus, ProvisioningLog } from './provisioning-log.entity';
import { ProvisioningMinute } from './provisioning-minute.entity';

export type LogEntryInput = Omit<ProvisioningLog, 'id'>;

const ROWS_PER_INSERT = 100;
const MINUTE_MS = 60_000;
const LOG_COLUMNS =
  'target_id, object_type, object_id, target_object_id, change_seq, action, status, reason, detail, request, ' +
  'modified_properties, response_status, response_excerpt, duration_ms, attempt, request_id, created_at';
const LOG_ROW = `(${LOG_COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;

const EXPORT_COLUMNS =
  'id, created_at, target_id, object_type, object_id, change_seq, action, status, reason, detail, request_id, ' +
  'attempt, response_status, duration_ms, modified_properties, ' +
  // A create's properties are read back from its request (`loggedPropertiesOfCreate`): only then is it read.
  "CASE WHEN modified_properties IS NULL AND action = 'Create' THEN request END AS create_request";

/** What the status shows of a target's latest entry of a kind. */
export type LatestEntry = Pick<
  ProvisioningLog,
  'createdAt' | 'objectId' | 'action' | 'status' | 'request' | 'responseStatus'
>;

/** One target's deliveries (Success entries) and failures in the minute that starts at `minute`. */
export interface DeliveryMinute {
  minute: Date;
  targetId: string;
  delivered: number;
  failed: number;
}

/** An entry as the download reads it: no response excerpt, and the request only of a create that stores no properties. */
export type ExportedLog = Omit<ProvisioningLog, 'targetObjectId' | 'request' | 'responseExcerpt'> & {
  createRequest: string | null;
};

export interface LogQuery {
  targetId?: string;
  objectId?: string;
  changeSeq?: number;
  requestId?: string;
  action?: LogAction;
  status?: LogStatus;
  from?: Date;
  to?: Date;
  /** Entries with an id below this (newest first paging). */
  before?: number;
  limit: number;
}

/** The provisioning log table: appended in batches, read newest first with a keyset cursor on `id`. */
@Injectable()
export class ProvisioningLogRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * In a transaction of its own (on SQLite's one connection a bare insert could land in another writer's), as raw
   * multi-row inserts: the query builder's per-value work was a tenth of the engine's CPU in an initial sync.
   */
  async append(entries: LogEntryInput[]): Promise<void> {
    await this.tx.run(async (manager) => {
      for (const chunk of chunks(entries, ROWS_PER_INSERT)) {
        const params = chunk.flatMap((e) => [
          e.targetId,
          e.objectType,
          e.objectId,
          e.targetObjectId,
          e.changeSeq,
          e.action,
          e.status,
          e.reason,
          e.detail,
          e.request,
          e.modifiedProperties,
          e.responseStatus,
          e.responseExcerpt,
          e.durationMs,
          e.attempt,
          e.requestId,
          e.createdAt,
        ]);
        await execute(
          manager,
          `INSERT INTO provisioning_log (${LOG_COLUMNS}) VALUES ${chunk.map(() => LOG_ROW).join(', ')}`,
          params,
        );
      }
      await this.addToTotals(manager, entries);
      await this.addToMinutes(manager, entries);
      await this.keepLatest(manager, entries);
    });
  }

  /**
   * Each target's latest entry that sent a request and latest success, in the entries' transaction: one upsert of
   * the newest of each in the batch, kept only when it is newer than the row's (two processes append at once).
   * Targets in key order, as the minutes, so that two appends lock the rows in the same order.
   */
  private async keepLatest(manager: EntityManager, entries: LogEntryInput[]): Promise<void> {
    // Per target, the newest entry of each kind; the entries are not copied (one append holds thousands).
    const newest = new Map<string, { request?: LogEntryInput; success?: LogEntryInput }>();
    for (const e of entries) {
      let latest = newest.get(e.targetId);
      if (!latest) newest.set(e.targetId, (latest = {}));
      if (e.request !== null && (!latest.request || latest.request.createdAt <= e.createdAt))
        latest.request = e;
      if (e.status === 'Success' && (!latest.success || latest.success.createdAt <= e.createdAt))
        latest.success = e;
    }
    const rows: { kind: 'request' | 'success'; e: LogEntryInput }[] = [];
    for (const targetId of [...newest.keys()].sort()) {
      const { request, success } = newest.get(targetId)!;
      if (request) rows.push({ kind: 'request', e: request });
      if (success) rows.push({ kind: 'success', e: success });
    }
    if (rows.length === 0) return;
    const mysql = manager.connection.options.type !== 'better-sqlite3';
    const copied = ['object_id', 'action', 'status', 'request', 'response_status'];
    // MySQL assigns left to right: created_at, which the others compare against, goes last.
    const update = mysql
      ? `ON DUPLICATE KEY UPDATE ${[...copied, 'created_at']
          .map((c) => `${c} = IF(VALUES(created_at) >= created_at, VALUES(${c}), ${c})`)
          .join(', ')}`
      : `ON CONFLICT (target_id, kind) DO UPDATE SET ${[...copied, 'created_at']
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')} WHERE excluded.created_at >= provisioning_latest.created_at`;
    await execute(
      manager,
      `INSERT INTO provisioning_latest (target_id, kind, created_at, object_id, action, status, request, response_status)
       VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ${update}`,
      rows.flatMap(({ kind, e }) => [
        e.targetId,
        kind,
        toDbDateText(e.createdAt),
        e.objectId,
        e.action,
        e.status,
        e.request,
        e.responseStatus,
      ]),
    );
  }

  /** The totals to date move with the entries, in their transaction: one upsert per (target, action, status). */
  private async addToTotals(manager: EntityManager, entries: LogEntryInput[]): Promise<void> {
    const counts = new Map<string, { targetId: string; action: string; status: string; n: number }>();
    for (const e of entries) {
      const key = `${e.targetId}|${e.action}|${e.status}`;
      const c = counts.get(key);
      if (c) c.n++;
      else counts.set(key, { targetId: e.targetId, action: e.action, status: e.status, n: 1 });
    }
    const rows = [...counts.values()];
    if (rows.length === 0) return;
    const mysql = manager.connection.options.type !== 'better-sqlite3';
    await execute(
      manager,
      `INSERT INTO provisioning_total (target_id, action, status, count) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}
       ${mysql ? 'ON DUPLICATE KEY UPDATE count = count + VALUES(count)' : 'ON CONFLICT (target_id, action, status) DO UPDATE SET count = count + excluded.count'}`,
      rows.flatMap((r) => [r.targetId, r.action, r.status, r.n]),
    );
  }

  /**
   * Deliveries (Success) and failures per target and minute, in their transaction: one upsert per (minute, target),
   * in key order so that two processes appending at once lock the rows in the same order.
   */
  private async addToMinutes(manager: EntityManager, entries: LogEntryInput[]): Promise<void> {
    const counts = new Map<string, { minute: string; targetId: string; delivered: number; failed: number }>();
    for (const e of entries) {
      if (e.status !== 'Success' && e.status !== 'Failure') continue;
      const minute = toDbDateText(new Date(Math.floor(e.createdAt.getTime() / MINUTE_MS) * MINUTE_MS));
      const key = `${minute}|${e.targetId}`;
      let c = counts.get(key);
      if (!c) counts.set(key, (c = { minute, targetId: e.targetId, delivered: 0, failed: 0 }));
      if (e.status === 'Success') c.delivered++;
      else c.failed++;
    }
    if (counts.size === 0) return;
    const rows = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    const mysql = manager.connection.options.type !== 'better-sqlite3';
    await execute(
      manager,
      `INSERT INTO provisioning_minute (minute, target_id, delivered, failed) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}
       ${
         mysql
           ? 'ON DUPLICATE KEY UPDATE delivered = delivered + VALUES(delivered), failed = failed + VALUES(failed)'
           : 'ON CONFLICT (minute, target_id) DO UPDATE SET delivered = delivered + excluded.delivered, failed = failed + excluded.failed'
       }`,
      rows.flatMap((r) => [r.minute, r.targetId, r.delivered, r.failed]),
    );
  }

  /** Every target's deliveries and failures per minute from `from` (a minute's start) on: a range of the key. */
  async minutesSince(from: Date): Promise<DeliveryMinute[]> {
    const rows = await this.dataSource.query<
      { minute: unknown; target_id: string; delivered: number | string; failed: number | string }[]
    >('SELECT minute, target_id, delivered, failed FROM provisioning_minute WHERE minute >= ?', [
      toDbDateText(from),
    ]);
    return rows.map((r) => ({
      minute: fromDbDate(r.minute),
      targetId: r.target_id,
      delivered: Number(r.delivered),
      failed: Number(r.failed),
    }));
  }

  /** One entry by its id, or null. */
  findById(id: number): Promise<ProvisioningLog | null> {
    return this.dataSource.manager.findOneBy(ProvisioningLog, { id });
  }

  search(q: LogQuery): Promise<ProvisioningLog[]> {
    const qb = this.dataSource.manager.createQueryBuilder(ProvisioningLog, 'l');
    const { column } = servingIndex(q, this.dataSource.options.type === 'better-sqlite3');
    if (q.targetId) qb.andWhere(`${column('l.target_id')} = :targetId`, { targetId: q.targetId });
    if (q.objectId) qb.andWhere(`${column('l.object_id')} = :objectId`, { objectId: q.objectId });
    if (q.changeSeq !== undefined)
      qb.andWhere(`${column('l.change_seq')} = :changeSeq`, { changeSeq: q.changeSeq });
    if (q.requestId) qb.andWhere(`${column('l.request_id')} = :requestId`, { requestId: q.requestId });
    if (q.action) qb.andWhere('l.action = :action', { action: q.action });
    if (q.status) qb.andWhere('l.status = :status', { status: q.status });
    if (q.from) qb.andWhere('l.created_at >= :from', { from: toDbDateText(q.from) });
    if (q.to) qb.andWhere('l.created_at < :to', { to: toDbDateText(q.to) });
    if (q.before !== undefined) qb.andWhere('l.id < :before', { before: q.before });
    return qb.orderBy('l.id', 'DESC').limit(q.limit).getMany();
  }

  /**
   * A page of the download: the list's filters and order, without the request and response it leaves out, as plain
   * rows (no entities: fewer objects per page). MariaDB 10.11 reads a target's or an object's entries through the
   * first column of their index only (`ref`), filtering `id` row by row, so each page read every newer entry (54 s
   * for 100,000 entries); the index hint makes it a range on both columns.
   */
  async exportPage(q: LogQuery): Promise<ExportedLog[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    const mysql = this.dataSource.options.type !== 'better-sqlite3';
    const { index, column } = servingIndex(q, !mysql);
    if (q.targetId) add(`${column('target_id')} = ?`, q.targetId);
    if (q.objectId) add(`${column('object_id')} = ?`, q.objectId);
    if (q.changeSeq !== undefined) add(`${column('change_seq')} = ?`, q.changeSeq);
    if (q.requestId) add(`${column('request_id')} = ?`, q.requestId);
    if (q.action) add('action = ?', q.action);
    if (q.status) add('status = ?', q.status);
    if (q.from) add('created_at >= ?', toDbDateText(q.from));
    if (q.to) add('created_at < ?', toDbDateText(q.to));
    if (q.before !== undefined) add('id < ?', q.before);
    const hint = mysql && index ? ` FORCE INDEX (${index})` : '';
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT ${EXPORT_COLUMNS} FROM provisioning_log${hint}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT ?`,
      [...params, q.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      createdAt: fromDbDate(r.created_at),
      targetId: r.target_id as string,
      objectType: r.object_type as string,
      objectId: r.object_id as string,
      changeSeq: r.change_seq == null ? null : Number(r.change_seq),
      action: r.action as LogAction,
      status: r.status as LogStatus,
      reason: r.reason as string | null,
      detail: r.detail as string | null,
      requestId: r.request_id as string | null,
      attempt: Number(r.attempt),
      responseStatus: r.response_status == null ? null : Number(r.response_status),
      durationMs: Number(r.duration_ms),
      modifiedProperties: r.modified_properties as string | null,
      createRequest: r.create_request as string | null,
    }));
  }

  /** Entries to date per action and status (kept by `append`; a read of a few rows, whatever the log's size). */
  async totalsByAction(targetId: string): Promise<{ action: string; status: string; n: number }[]> {
    const rows = await this.dataSource.query<{ action: string; status: string; n: number | string }[]>(
      'SELECT action, status, count AS n FROM provisioning_total WHERE target_id = ?',
      [targetId],
    );
    return rows.map((r) => ({ action: r.action, status: r.status, n: Number(r.n) }));
  }

  /** `totalsByAction` of each of `targetIds`. */
  async totalsOf(targetIds: string[]): Promise<Map<string, { action: string; status: string; n: number }[]>> {
    const out = new Map<string, { action: string; status: string; n: number }[]>();
    for (const chunk of chunks(targetIds, 500)) {
      const rows = await this.dataSource.query<
        { target_id: string; action: string; status: string; n: number | string }[]
      >(
        `SELECT target_id, action, status, count AS n FROM provisioning_total WHERE target_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        const total = { action: r.action, status: r.status, n: Number(r.n) };
        const list = out.get(r.target_id);
        if (list) list.push(total);
        else out.set(r.target_id, [total]);
      }
    }
    return out;
  }

  /** `latest` of each of `targetIds`: their rows of `provisioning_latest`. */
  async latestOfEach(targetIds: string[], kind: 'request' | 'success'): Promise<Map<string, LatestEntry>> {
    const out = new Map<string, LatestEntry>();
    for (const chunk of chunks(targetIds, 500)) {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT ${LATEST_COLUMNS} FROM provisioning_latest WHERE kind = ? AND target_id IN (${placeholders(chunk.length)})`,
        [kind, ...chunk],
      );
      for (const r of rows) out.set(r.target_id as string, latestEntry(r));
    }
    return out;
  }

  /** Latest entry that sent a request, and latest success, for the status page (kept by `append`). */
  async latest(targetId: string, kind: 'request' | 'success'): Promise<LatestEntry | null> {
    return (await this.latestOfEach([targetId], kind)).get(targetId) ?? null;
  }

  /** The per-minute counts before `before` (the chart reads the last hour; a day is kept). */
  async purgeMinutesBefore(before: Date): Promise<number> {
    const result = await this.tx.run((manager) =>
      manager
        .createQueryBuilder()
        .delete()
        .from(ProvisioningMinute)
        .where('minute < :before', { before: toDbDateText(before) })
        .execute(),
    );
    return result.affected ?? 0;
  }

  async purgeBefore(before: Date): Promise<number> {
    const result = await this.tx.run((manager) =>
      manager
        .createQueryBuilder()
        .delete()
        .from(ProvisioningLog)
        .where('created_at < :before', { before: toDbDateText(before) })
        .execute(),
    );
    return result.affected ?? 0;
  }
}

const LATEST_COLUMNS = 'target_id, created_at, object_id, action, status, request, response_status';

function latestEntry(r: Record<string, unknown>): LatestEntry {
  return {
    createdAt: fromDbDate(r.created_at),
    objectId: r.object_id as string,
    action: r.action as LogAction,
    status: r.status as LogStatus,
    request: (r.request as string | null) ?? null,
    responseStatus: r.response_status == null ? null : Number(r.response_status),
  };
}

export const logTime = (value: unknown): Date => fromDbDate(value);

/** Filters with an index of their own (`(column, id)`), the most selective first. */
const FILTER_INDEXES = [
  { filter: 'requestId', column: 'request_id', index: 'ix_provisioning_log_request' },
  { filter: 'changeSeq', column: 'change_seq', index: 'ix_provisioning_log_change' },
  { filter: 'objectId', column: 'object_id', index: 'ix_provisioning_log_object' },
  { filter: 'targetId', column: 'target_id', index: 'ix_provisioning_log_target' },
] as const;

/**
 * The index that serves a query: that of its most selective filter (a request's entries are a few, a target's may
 * be millions), read newest first until the page is full. SQLite keeps no statistics here and, given a target and a
 * request id, walked the target's entries (140 ms at 1,000,000 entries, against 0.3 ms): on SQLite the other indexed
 * columns are written `+column`, the same comparison without an index to offer. MariaDB gets `FORCE INDEX`.
 */
function servingIndex(
  q: LogQuery,
  sqlite: boolean,
): { index: string | null; column: (name: string) => string } {
  const serving = FILTER_INDEXES.find((f) => q[f.filter] !== undefined && q[f.filter] !== '');
  const others = new Set<string>(FILTER_INDEXES.filter((f) => f !== serving).map((f) => f.column));
  return {
    index: serving?.index ?? null,
    column: (name) => (sqlite && others.has(name.replace(/^\w+\./, '')) ? `+${name}` : name),
  };
}
