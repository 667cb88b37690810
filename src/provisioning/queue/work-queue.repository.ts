import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, placeholders } from '../../common/chunks';
import { CLOCK, Clock } from '../../common/clock';
import { fromDbDate, toDbDateText } from '../../database/db-values';
import { TransactionRunner } from '../../database/transaction-runner';
import { execute } from '../../database/sql';
import { CostlyRead } from '../../common/costly-read';
import { MicroBatcher } from '../../common/micro-batcher';
import { HeldLeases, LEASE_MS } from './held-leases';
import { ProvisionedObject, ProvisionedStatus } from './provisioned-object.entity';

export interface WorkItem {
  objectType: 'User' | 'Group';
  objectId: string;
  changeSeq: number | null;
  requestId: string | null;
  /** When the change happened: the pending age shown in the status. */
  since: Date;
}

/** What a reconciliation by listing needs of a provisioned user to compare it with its listed resource. */
export type ListedState = Pick<
  ProvisionedObject,
  | 'objectId'
  | 'targetObjectId'
  | 'status'
  | 'pending'
  | 'deprovisionHold'
  | 'lastSent'
  | 'lastSentHash'
  | 'ignoredChanges'
>;

/** A target's pending objects: how many, the oldest's time, and how many a full reconciliation queued. */
export interface PendingSummary {
  pending: number;
  oldest: Date | null;
  reconciling: number;
}

export interface ObjectKey {
  targetId: string;
  objectType: 'User' | 'Group';
  objectId: string;
}

/** What a finished attempt writes back. */
export interface ObjectOutcome {
  targetObjectId: string | null;
  status: ProvisionedStatus;
  lastSent: string | null;
  lastSentHash: string | null;
  /** Changes the target acknowledged but did not keep, as JSON (`IgnoredChanges`); null when none. */
  ignoredChanges: string | null;
  lastResult: 'success' | 'failure' | 'skipped';
  lastError: string | null;
  waitingFor: string | null;
  /** `held` by the deletion threshold; `released` kept until the released disable or delete is sent. */
  deprovisionHold?: 'held' | 'released' | null;
  /** Set: keep pending and try again then (retryable failure). */
  retryAt?: Date;
}

const ROWS_PER_INSERT = 200;
/**
 * The most values of an `IN` list MariaDB and MySQL look up one by one to plan it (`eq_range_index_dive_limit`,
 * 200: from there on they guess from the index's statistics).
 */
const MYSQL_LOOKED_UP_IDS = 199;
/** SQLite allows 500 terms in a compound SELECT. */
const COMPLETIONS_PER_STATEMENT = 200;
/**
 * Completion statements under way at once: the completions that arrive meanwhile go together in the next one. On
 * MariaDB an initial sync wrote about eight completions a statement (one commit each) without the bound.
 */
const COMPLETION_WRITES_IN_FLIGHT = 1;
/** Outcome columns written as given. */
const COMPLETION_COPIED = [
  'target_object_id',
  'status',
  'last_sent',
  'last_sent_hash',
  'ignored_changes',
  'last_result',
  'last_error',
  'waiting_for',
  'deprovision_hold',
];
const COMPLETION_COLUMNS = [
  'target_id',
  'object_type',
  'object_id',
  'lease',
  'gen',
  'retry',
  'retry_at',
  ...COMPLETION_COPIED,
  'at',
];
/** Set by every claim: see `ProvisionedObject.unsettledClaims`. */
const COUNT_CLAIM =
  'unsettled_claims = CASE WHEN target_object_id IS NULL THEN unsettled_claims + 1 ELSE 0 END';
const COMPLETION_ROW = `SELECT ${COMPLETION_COLUMNS.map(() => '?').join(', ')}`;

interface Completion {
  key: ObjectKey;
  outcome: ObjectOutcome;
  at: Date;
  lease: { owner: string; generation: number };
  wake?: Wake;
}

/** Objects of the same target a completion queues with it (the groups of a member new in the target), due then. */
export interface Wake {
  items: WorkItem[];
  notBefore: Date;
}
const COLUMNS =
  'target_id, object_type, object_id, target_object_id, status, last_sent, last_sent_hash, last_result, last_error, ' +
  'pending, generation, change_seq, pending_since, reconcile, request_id, attempts, next_attempt_at, lease_owner, ' +
  'lease_until, waiting_for, updated_at';

const date = (v: unknown): Date | null => (v == null ? null : fromDbDate(v));
const text = (v: unknown): string | null =>
  v == null ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** A `provisioned_object` row as the entity the ORM would have read. */
function provisionedObjectOf(r: Record<string, unknown>): ProvisionedObject {
  return {
    targetId: String(r.target_id),
    objectType: r.object_type as ProvisionedObject['objectType'],
    objectId: String(r.object_id),
    targetObjectId: text(r.target_object_id),
    status: r.status as ProvisionedStatus,
    lastSent: text(r.last_sent),
    lastSentHash: text(r.last_sent_hash),
    ignoredChanges: text(r.ignored_changes),
    hasIgnoredChanges: Boolean(Number(r.has_ignored_changes)),
    lastResult: text(r.last_result),
    lastError: text(r.last_error),
    pending: Boolean(Number(r.pending)),
    generation: Number(r.generation),
    changeSeq: r.change_seq == null ? null : Number(r.change_seq),
    pendingSince: date(r.pending_since),
    reconcile: Boolean(Number(r.reconcile)),
    requestId: text(r.request_id),
    attempts: Number(r.attempts),
    unsettledClaims: Number(r.unsettled_claims),
    nextAttemptAt: date(r.next_attempt_at),
    leaseOwner: text(r.lease_owner),
    leaseUntil: date(r.lease_until),
    deprovisionHold: (r.deprovision_hold as ProvisionedObject['deprovisionHold']) ?? null,
    waitingFor: text(r.waiting_for),
    updatedAt: fromDbDate(r.updated_at),
  };
}

/**
 * The per-target work queue, in `provisioned_object`: enqueue is an upsert (many changes to one object collapse into
 * one pending row), claims are conditional updates with a short lease (safe across processes) that this process
 * renews until the completion is written (`HeldLeases`), and a completion clears `pending` only when no newer work
 * arrived while the object was being sent.
 */
@Injectable()
export class WorkQueueRepository {
  private readonly logger = new Logger('provisioning');
  private readonly mysql: boolean;
  private readonly targetObjectHint: string;
  /**
   * MariaDB prefers the primary key's target_id prefix to the queue index for the claim and the pending summaries,
   * and then reads every row of the target (the claim: every row in flight; the summary: every pending row, where
   * the index alone answers). It is told.
   */
  private readonly queueHint: string;
  /**
   * `object_id IN (…)` of more than 200 ids (a claim of a `/Bulk` batch, its leases): MariaDB then estimates from
   * statistics instead of looking each id up, and statistics counted while the queue was filling made it read the
   * target's part of the primary key instead, every object of the target (10,000 rows a claim of 224 objects in a
   * 10,000-user assignment; a million at a million). It is told the index.
   */
  private readonly objectHint: string;
  /**
   * The pending summaries count every pending row's index entry: about 100 ms at a million pending objects, and a
   * status or an overview polled every second would take the engine's event loop. A summary that took long is
   * given again for ten times what it took (`CostlyRead`): at a million pending objects it is up to a second or two
   * old. One that took under 50 ms (a target with little pending, even on a busy machine) is counted afresh on every
   * call, so a status read just after a change shows it.
   */
  private readonly summaries = new CostlyRead<PendingSummary>(10, 50);
  private readonly summariesOf = new CostlyRead<Map<string, PendingSummary>>(10, 50);
  /** Completions arrive one per delivered object, hundreds a second: they share statements. */
  private readonly completions: MicroBatcher<Completion>;
  private readonly held: HeldLeases;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.mysql = dataSource.options.type !== 'better-sqlite3';
    this.targetObjectHint = targetObjectIndexHint(this.mysql);
    this.queueHint = this.mysql ? ' FORCE INDEX (ix_provisioned_object_queue)' : '';
    this.objectHint = this.mysql ? ' FORCE INDEX (ix_provisioned_object_object)' : '';
    this.held = new HeldLeases(
      (targetId, objectIds, tokens) => this.renewLeases(targetId, objectIds, tokens),
      (err) => this.logger.warn({ msg: 'renewing leases failed', error: String(err) }),
      (targetId, objectIds) =>
        this.logger.error({ msg: 'claims held too long, no longer renewed', targetId, objectIds }),
    );
    this.completions = new MicroBatcher<Completion>(
      (items) => this.writeCompletions(items),
      (item) => this.writeCompletions([item]),
      COMPLETIONS_PER_STATEMENT,
      (err, size) =>
        this.logger.warn({ msg: 'batched completion failed; writing one by one', size, error: String(err) }),
      COMPLETION_WRITES_IN_FLIGHT,
    );
  }

  /**
   * `notBefore`: due then, not now (a group woken by a new member waits for more of them). A row already pending and
   * not in flight keeps its own schedule; a row in flight is sent again at `notBefore` instead of at once.
   */
  async enqueue(
    manager: EntityManager,
    targetId: string,
    items: WorkItem[],
    options: { reconcile?: boolean; now: Date; notBefore?: Date },
  ): Promise<void> {
    const now = toDbDateText(options.now);
    const reconcile = options.reconcile ? 1 : 0;
    const notBefore = options.notBefore ? toDbDateText(options.notBefore) : null;
    const schedule = notBefore
      ? {
          attempts: 'CASE WHEN pending = 1 AND lease_owner IS NULL THEN attempts ELSE 0 END',
          next: 'CASE WHEN pending = 1 AND lease_owner IS NULL THEN next_attempt_at ELSE ? END',
        }
      : { attempts: '0', next: 'NULL' };
    for (const chunk of chunks(items, ROWS_PER_INSERT)) {
      const params: unknown[] = [];
      const values = chunk.map((it) => {
        params.push(
          targetId,
          it.objectType,
          it.objectId,
          it.changeSeq,
          toDbDateText(it.since),
          reconcile,
          it.requestId,
          notBefore,
          now,
        );
        return "(?, ?, ?, NULL, 'none', NULL, NULL, NULL, NULL, 1, 1, ?, ?, ?, ?, 0, ?, NULL, NULL, NULL, ?)";
      });
      if (notBefore) params.push(notBefore);
      const upsert = this.mysql
        ? `ON DUPLICATE KEY UPDATE
             pending_since = IF(pending = 1, pending_since, VALUES(pending_since)),
             reconcile = IF(pending = 1, GREATEST(reconcile, VALUES(reconcile)), VALUES(reconcile)),
             pending = 1,
             generation = generation + 1,
             change_seq = COALESCE(GREATEST(change_seq, VALUES(change_seq)), change_seq, VALUES(change_seq)),
             request_id = COALESCE(VALUES(request_id), request_id),
             attempts = ${schedule.attempts}, next_attempt_at = ${schedule.next}, updated_at = VALUES(updated_at)`
        : `ON CONFLICT (target_id, object_type, object_id) DO UPDATE SET
             pending_since = CASE WHEN pending = 1 THEN pending_since ELSE excluded.pending_since END,
             reconcile = CASE WHEN pending = 1 THEN max(reconcile, excluded.reconcile) ELSE excluded.reconcile END,
             pending = 1,
             generation = generation + 1,
             change_seq = COALESCE(max(change_seq, excluded.change_seq), change_seq, excluded.change_seq),
             request_id = COALESCE(excluded.request_id, request_id),
             attempts = ${schedule.attempts}, next_attempt_at = ${schedule.next}, updated_at = excluded.updated_at`;
      await manager.query(
        `INSERT INTO provisioned_object (${COLUMNS}) VALUES ${values.join(', ')} ${upsert}`,
        params,
      );
    }
  }

  async enqueueNow(targetId: string, items: WorkItem[], now: Date, notBefore?: Date): Promise<void> {
    await this.tx.run((m) => this.enqueue(m, targetId, items, { now, notBefore }));
  }

  /**
   * Claims up to `limit` due items for `owner` (a claim's token) for LEASE_MS, renewed while this process holds them;
   * a lease another process holds is respected, and so is one of ours that ran out while we still hold the row.
   */
  async claim(targetId: string, owner: string, limit: number, now: Date): Promise<ProvisionedObject[]> {
    const nowText = toDbDateText(now);
    // The queue index holds the lease before the schedule, so each part is a range of it and the rows of attempts in
    // flight are never read to be passed over. Rows whose lease ran out come first: a process that died (or stopped
    // renewing) left them, they have waited LEASE_MS already, and in the index's order (unleased rows first) they
    // waited for the whole backlog too (a survivor took 24 s to take over a killed process's claims).
    const due = `FROM provisioned_object${this.queueHint}
        WHERE target_id = ? AND pending = 1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`;
    const candidates = await this.dataSource.query<
      { taken_over: number | string; object_type: 'User' | 'Group'; object_id: string }[]
    >(
      `SELECT * FROM (SELECT 1 AS taken_over, object_type, object_id ${due} AND lease_until < ? LIMIT ?) expired
       UNION ALL
       SELECT * FROM (SELECT 0 AS taken_over, object_type, object_id ${due} AND lease_until IS NULL LIMIT ?) unleased`,
      [targetId, nowText, nowText, limit, targetId, nowText, limit],
    );
    const ids = candidates
      .sort((a, b) => Number(b.taken_over) - Number(a.taken_over))
      .filter((c) => !this.held.holds(targetId, c.object_type, c.object_id))
      .slice(0, limit)
      .map((c) => c.object_id);
    if (ids.length === 0) return [];
    // The rows are named by id: SQLite is kept off the queue index (`+pending`), on which it read every pending row
    // of the target for each batch (at a million pending, 280 ms a claim).
    const claimed = await this.write(
      `UPDATE provisioned_object${this.objectHint} SET lease_owner = ?, lease_until = ?, ${COUNT_CLAIM}
        WHERE target_id = ? AND object_id IN (${ids.map(() => '?').join(',')}) AND ${this.mysql ? '' : '+'}pending = 1
          AND (lease_until IS NULL OR lease_until < ?)`,
      [owner, toDbDateText(new Date(now.getTime() + LEASE_MS)), targetId, ...ids, nowText],
    );
    if (claimed === 0) return [];
    // Read as plain rows: a batch is up to a thousand of them, and the ORM's query building and hydration of as many
    // cost more than the statement.
    const rows: ProvisionedObject[] = [];
    for (const chunk of chunks(ids, 500)) {
      const raw = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT * FROM provisioned_object${this.objectHint}
          WHERE target_id = ? AND object_id IN (${placeholders(chunk.length)}) AND lease_owner = ?`,
        [targetId, ...chunk, owner],
      );
      for (const r of raw) rows.push(provisionedObjectOf(r));
    }
    this.hold(targetId, rows, owner);
    return rows;
  }

  /**
   * Leases one object (provision on demand), creating its row when the engine never saw it: the engine cannot send
   * it at the same time. Null while another owner, or another claim of this process, holds it.
   */
  async claimOne(key: ObjectKey, owner: string, now: Date): Promise<ProvisionedObject | null> {
    if (this.held.holds(key.targetId, key.objectType, key.objectId)) return null;
    const nowText = toDbDateText(now);
    const claimed = await this.tx.run(async (m) => {
      await m.query(
        `INSERT INTO provisioned_object (${COLUMNS})
         VALUES (?, ?, ?, NULL, 'none', NULL, NULL, NULL, NULL, 0, 1, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, ?)
         ${this.mysql ? 'ON DUPLICATE KEY UPDATE target_id = target_id' : 'ON CONFLICT DO NOTHING'}`,
        [key.targetId, key.objectType, key.objectId, nowText],
      );
      return execute(
        m,
        `UPDATE provisioned_object SET lease_owner = ?, lease_until = ?, ${COUNT_CLAIM}
          WHERE target_id = ? AND object_type = ? AND object_id = ? AND (lease_until IS NULL OR lease_until < ?)`,
        [
          owner,
          toDbDateText(new Date(now.getTime() + LEASE_MS)),
          key.targetId,
          key.objectType,
          key.objectId,
          nowText,
        ],
      );
    });
    if (claimed === 0) return null;
    const row = await this.dataSource.manager.findOneBy(ProvisionedObject, { ...key, leaseOwner: owner });
    if (row) this.hold(key.targetId, [row], owner);
    return row;
  }

  private hold(targetId: string, rows: ProvisionedObject[], token: string): void {
    this.held.hold(
      targetId,
      rows.map((r) => ({ objectType: r.objectType, objectId: r.objectId, token })),
    );
  }

  /**
   * Gives back rows claimed under `owner` without an attempt (the batch could not start, or waits for a listing):
   * due again at once, and the claim is not counted as one that may have created the object (nothing was sent).
   */
  async abandon(targetId: string, rows: ProvisionedObject[], owner: string): Promise<void> {
    for (const r of rows) this.held.release(targetId, r.objectType, r.objectId, owner);
    for (const chunk of chunks(
      rows.map((r) => r.objectId),
      500,
    ))
      await this.write(
        `UPDATE provisioned_object${this.objectHint} SET lease_owner = NULL, lease_until = NULL,
            unsettled_claims = CASE WHEN target_object_id IS NULL AND unsettled_claims > 0 THEN unsettled_claims - 1 ELSE unsettled_claims END
          WHERE target_id = ? AND object_id IN (${placeholders(chunk.length)}) AND lease_owner = ?`,
        [targetId, ...chunk, owner],
      );
  }

  /** Extends the leases this process holds; a row whose lease another process has taken meanwhile is left alone. */
  private async renewLeases(targetId: string, objectIds: string[], tokens: string[]): Promise<void> {
    const until = toDbDateText(new Date(this.clock.now().getTime() + LEASE_MS));
    for (const chunk of chunks(objectIds, 500))
      await this.write(
        `UPDATE provisioned_object${this.objectHint} SET lease_until = ?
          WHERE target_id = ? AND object_id IN (${placeholders(chunk.length)})
            AND lease_owner IN (${placeholders(tokens.length)})`,
        [until, targetId, ...chunk, ...tokens],
      );
  }

  /** In `manager`'s transaction when given (an operator's action, with its audit entry), else in its own. */
  private write(sql: string, params: unknown[], manager?: EntityManager): Promise<number> {
    return manager ? execute(manager, sql, params) : this.tx.run((m) => execute(m, sql, params));
  }

  find(key: ObjectKey): Promise<ProvisionedObject | null> {
    return this.dataSource.manager.findOneBy(ProvisionedObject, key);
  }

  /** The state of the target's users holding these target ids (a reconciliation's page of the listing). */
  async listedStates(targetId: string, targetObjectIds: string[]): Promise<ListedState[]> {
    const out: ListedState[] = [];
    for (const chunk of chunks(targetObjectIds, 500)) {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT object_id, target_object_id, status, pending, deprovision_hold, last_sent, last_sent_hash,
                ignored_changes
           FROM provisioned_object${this.targetObjectHint}
          WHERE target_id = ? AND target_object_id IN (${placeholders(chunk.length)}) AND +object_type = 'User'`,
        [targetId, ...chunk],
      );
      for (const r of rows)
        out.push({
          objectId: String(r.object_id),
          targetObjectId: String(r.target_object_id),
          status: r.status as ProvisionedObject['status'],
          pending: Boolean(Number(r.pending)),
          deprovisionHold: (r.deprovision_hold as ProvisionedObject['deprovisionHold']) ?? null,
          lastSent: (r.last_sent as string | null) ?? null,
          lastSentHash: (r.last_sent_hash as string | null) ?? null,
          ignoredChanges: (r.ignored_changes as string | null) ?? null,
        });
    }
    return out;
  }

  /**
   * One of `objectIds` still pending for the target (a create on its way, or waiting for its turn), or null: a group
   * sent without it waits for it (`waiting_for`).
   */
  async onePending(targetId: string, objectIds: string[]): Promise<string | null> {
    for (const chunk of chunks(objectIds, 500)) {
      // Named by id: on SQLite `+pending` keeps the plan off the queue index (every pending row of the target).
      const rows = await this.dataSource.query<{ object_id: string }[]>(
        `SELECT object_id FROM provisioned_object${this.objectHint}
          WHERE target_id = ? AND object_id IN (${placeholders(chunk.length)}) AND ${this.mysql ? '' : '+'}pending = 1
          LIMIT 1`,
        [targetId, ...chunk],
      );
      if (rows.length > 0) return rows[0].object_id;
    }
    return null;
  }

  /** Target ids of the given directory objects, for the ones the target has. */
  async targetIds(targetId: string, objectIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks(objectIds, 500)) {
      const rows = await this.dataSource.query<{ object_id: string; target_object_id: string }[]>(
        `SELECT object_id, target_object_id FROM provisioned_object${this.objectHint}
          WHERE target_id = ? AND object_id IN (${placeholders(chunk.length)})
            AND target_object_id IS NOT NULL AND status IN ('active', 'disabled')`,
        [targetId, ...chunk],
      );
      for (const r of rows) out.set(r.object_id, r.target_object_id);
    }
    return out;
  }

  /** What the target holds of these objects, as far as the gateway sent it (objects it never saw are absent). */
  async states(
    targetId: string,
    objectType: 'User' | 'Group',
    objectIds: string[],
  ): Promise<
    Map<string, { targetObjectId: string | null; status: ProvisionedStatus; lastSent: string | null }>
  > {
    const out = new Map<
      string,
      { targetObjectId: string | null; status: ProvisionedStatus; lastSent: string | null }
    >();
    for (const chunk of chunks(objectIds, 500)) {
      const rows = await this.dataSource.query<
        {
          object_id: string;
          target_object_id: string | null;
          status: ProvisionedStatus;
          last_sent: string | null;
        }[]
      >(
        `SELECT object_id, target_object_id, status, last_sent FROM provisioned_object
          WHERE target_id = ? AND object_type = ? AND object_id IN (${placeholders(chunk.length)})`,
        [targetId, objectType, ...chunk],
      );
      for (const r of rows)
        out.set(r.object_id, { targetObjectId: r.target_object_id, status: r.status, lastSent: r.last_sent });
    }
    return out;
  }

  /**
   * Ids of objects of one type the target holds (created or adopted, not deleted), after `range.after` and up to
   * `range.upTo` (to the end when null), in id order.
   */
  async heldIds(
    targetId: string,
    objectType: 'User' | 'Group',
    range: { after: string; upTo: string | null },
    limit: number,
  ): Promise<string[]> {
    const { upTo } = range;
    const rows = await this.dataSource.query<{ object_id: string }[]>(
      `SELECT object_id FROM provisioned_object
        WHERE target_id = ? AND object_type = ? AND object_id > ?${upTo === null ? '' : ' AND object_id <= ?'}
          AND status IN ('active', 'disabled')
        ORDER BY object_id LIMIT ?`,
      [targetId, objectType, range.after, ...(upTo === null ? [] : [upTo]), limit],
    );
    return rows.map((r) => r.object_id);
  }

  /**
   * Writes an attempt's result, only while the lease is still ours; `generation` is the value claimed: newer work
   * that arrived meanwhile keeps the row pending, with the schedule it was enqueued with. Completions issued in one
   * turn of the event loop are written by one statement. `wake`: queued in the same transaction, so that no moment
   * (and no killed process) sees the result written and its dependents not queued.
   */
  async complete(
    key: ObjectKey,
    outcome: ObjectOutcome,
    at: Date,
    lease: { owner: string; generation: number },
    wake?: Wake,
  ): Promise<void> {
    try {
      await this.completions.add({ key, outcome, at, lease, wake });
    } finally {
      // Written or not, the attempt is over: a completion that failed leaves the lease to run out and the row pending.
      this.held.release(key.targetId, key.objectType, key.objectId, lease.owner);
    }
  }

  /** One UPDATE joined to the completions as a derived table (`UPDATE … JOIN` on MySQL, `UPDATE … FROM` on SQLite). */
  private async writeCompletions(items: Completion[]): Promise<void> {
    const params: unknown[] = [];
    const rows = items.map(({ key, outcome, at, lease }, i) => {
      params.push(
        key.targetId,
        key.objectType,
        key.objectId,
        lease.owner,
        lease.generation,
        outcome.retryAt ? 1 : 0,
        outcome.retryAt ? toDbDateText(outcome.retryAt) : null,
        outcome.targetObjectId,
        outcome.status,
        outcome.lastSent,
        outcome.lastSentHash,
        outcome.ignoredChanges,
        outcome.lastResult,
        outcome.lastError?.slice(0, 500) ?? null,
        outcome.waitingFor,
        outcome.deprovisionHold ?? null,
        toDbDateText(at),
      );
      return i === 0 ? `SELECT ${COMPLETION_COLUMNS.map((c) => `? AS ${c}`).join(', ')}` : COMPLETION_ROW;
    });
    const col = (c: string) => (this.mysql ? `po.${c}` : c);
    const sets = [
      ...COMPLETION_COPIED.map((c) => `${col(c)} = v.${c}`),
      `${col('attempts')} = CASE WHEN v.retry = 1 THEN po.attempts + 1 ELSE 0 END`,
      // A failure leaves the doubt (a create may have landed), and so does a leaver held at the deletion threshold
      // (nothing was looked up); a success or another skip knows where the object stands.
      `${col('unsettled_claims')} = CASE WHEN v.last_result = 'failure' OR v.deprovision_hold = 'held'
                                   THEN po.unsettled_claims ELSE 0 END`,
      `${col('reconcile')} = CASE WHEN v.retry = 0 AND po.generation = v.gen THEN 0 ELSE po.reconcile END`,
      `${col('next_attempt_at')} = CASE WHEN v.retry = 1 THEN v.retry_at WHEN po.generation = v.gen THEN NULL
                                  ELSE po.next_attempt_at END`,
      `${col('pending')} = CASE WHEN v.retry = 1 THEN 1 WHEN po.generation = v.gen THEN 0 ELSE 1 END`,
      `${col('has_ignored_changes')} = CASE WHEN v.ignored_changes IS NULL THEN 0 ELSE 1 END`,
      `${col('lease_owner')} = NULL`,
      `${col('lease_until')} = NULL`,
      `${col('updated_at')} = v.at`,
    ].join(', ');
    const values = `(${rows.join(' UNION ALL ')}) v`;
    const match =
      'po.target_id = v.target_id AND po.object_type = v.object_type AND po.object_id = v.object_id ' +
      'AND po.lease_owner = v.lease';
    const sql = this.mysql
      ? `UPDATE provisioned_object po JOIN ${values} ON ${match} SET ${sets}`
      : `UPDATE provisioned_object AS po SET ${sets} FROM ${values} WHERE ${match}`;
    const wakes = wakesByTarget(items);
    if (wakes.size === 0) {
      await this.write(sql, params);
      return;
    }
    await this.tx.run(async (m) => {
      await execute(m, sql, params);
      for (const [targetId, { items, now, notBefore }] of wakes)
        await this.enqueue(m, targetId, [...items.values()], { now, notBefore });
    });
  }

  /** Held disables and deletes are sent: due now, past the deletion threshold. Returns how many. */
  releaseHeld(targetId: string, now: Date, manager?: EntityManager): Promise<number> {
    const text = toDbDateText(now);
    return this.write(
      `UPDATE provisioned_object SET deprovision_hold = 'released', pending = 1, generation = generation + 1,
              pending_since = ?, attempts = 0, next_attempt_at = NULL, updated_at = ?
        WHERE target_id = ? AND deprovision_hold = 'held'`,
      [text, text, targetId],
      manager,
    );
  }

  /** Held disables and deletes are dropped: the accounts stay as they are in the target. Returns how many. */
  discardHeld(targetId: string, now: Date, manager?: EntityManager): Promise<number> {
    return this.write(
      `UPDATE provisioned_object SET deprovision_hold = NULL, updated_at = ?
        WHERE target_id = ? AND deprovision_hold = 'held'`,
      [toDbDateText(now), targetId],
      manager,
    );
  }

  /** Every object's record of changes the target did not keep (JSON), for the status. */
  async ignoredChanges(targetId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ ignored_changes: string }[]>(
      'SELECT ignored_changes FROM provisioned_object WHERE target_id = ? AND has_ignored_changes = 1',
      [targetId],
    );
    return rows.map((r) => r.ignored_changes);
  }

  async hasIgnoredChanges(targetId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM provisioned_object WHERE target_id = ? AND has_ignored_changes = 1 LIMIT 1',
      [targetId],
    );
    return rows.length > 0;
  }

  async countHeld(targetId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM provisioned_object WHERE target_id = ? AND deprovision_hold = 'held'`,
      [targetId],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Objects waiting for one of `objectIds` to exist in the target (a user's manager, a group's member) become pending
   * again.
   */
  async wakeWaiting(targetId: string, objectIds: string[], now: Date): Promise<void> {
    if (objectIds.length === 0) return;
    const text = toDbDateText(now);
    // Statistics in which nearly every waiting_for is NULL make MariaDB read every object of the target through
    // another index: it is told this one. Past 200 ids it still estimates from them and reads the target's whole part
    // of it (20,000 rows a `/Bulk` batch at 20,000 users): so one seek first asks whether anything waits at all (it
    // rarely does, but for groups while an initial sync creates their members), and the ids go 199 at a time, which
    // it looks up one by one.
    const hint = this.mysql ? ' FORCE INDEX (ix_provisioned_object_waiting)' : '';
    const anyWaiting = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM provisioned_object${hint} WHERE target_id = ? AND waiting_for > '' LIMIT 1`,
      [targetId],
    );
    if (anyWaiting.length === 0) return;
    for (const chunk of chunks(objectIds, this.mysql ? MYSQL_LOOKED_UP_IDS : 500)) {
      const marks = placeholders(chunk.length);
      const waiting = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM provisioned_object${hint} WHERE target_id = ? AND waiting_for IN (${marks}) LIMIT 1`,
        [targetId, ...chunk],
      );
      if (waiting.length === 0) continue;
      await this.write(
        `UPDATE provisioned_object SET pending_since = CASE WHEN pending = 1 THEN pending_since ELSE ? END,
                pending = 1, generation = generation + 1, waiting_for = NULL, next_attempt_at = NULL, updated_at = ?
          WHERE target_id = ? AND waiting_for IN (${marks})`,
        [text, text, targetId, ...chunk],
      );
    }
  }

  /**
   * Objects still waiting for one that is in the target by now (a user for its manager, a group for a member): a
   * process killed between that one's completion and the wake leaves them so. The engine sweeps them up every so often.
   */
  async wakeStranded(targetId: string, now: Date): Promise<number> {
    const rows = await this.dataSource.query<{ waiting_for: string }[]>(
      `SELECT DISTINCT w.waiting_for FROM provisioned_object w
         JOIN provisioned_object m ON m.target_id = w.target_id AND m.object_id = w.waiting_for
        WHERE w.target_id = ? AND w.waiting_for > '' AND m.target_object_id IS NOT NULL
          AND m.status IN ('active', 'disabled')`,
      [targetId],
    );
    if (rows.length > 0)
      await this.wakeWaiting(
        targetId,
        rows.map((r) => r.waiting_for),
        now,
      );
    return rows.length;
  }

  /** The operator's "retry now": failed objects waiting for their backoff go at once. */
  async retryNow(targetId: string, manager?: EntityManager): Promise<number> {
    return this.write(
      'UPDATE provisioned_object SET next_attempt_at = NULL, attempts = 0 WHERE target_id = ? AND pending = 1 AND next_attempt_at IS NOT NULL',
      [targetId],
      manager,
    );
  }

  /** A process that restarts on SQLite is the only one: leases left by a killed predecessor are void. */
  async releaseAllLeases(targetIds: string[]): Promise<void> {
    // The engine's leases are on pending objects: found through the queue index (pending, then lease_until, which is
    // set whenever lease_owner is), not by reading every object or every pending one.
    // (A lease of provision on demand on an object not pending runs out by itself within LEASE_MS.)
    for (const targetId of targetIds)
      await this.write(
        `UPDATE provisioned_object SET lease_owner = NULL, lease_until = NULL
          WHERE target_id = ? AND pending = 1 AND lease_until IS NOT NULL AND lease_owner IS NOT NULL`,
        [targetId],
      );
  }

  /** Pending objects, the oldest's time, and how many of them a full reconciliation queued (its cycle's remainder). */
  pendingSummary(targetId: string): Promise<PendingSummary> {
    return this.summaries.get(targetId, () => this.readPendingSummary(targetId));
  }

  private async readPendingSummary(targetId: string): Promise<PendingSummary> {
    const [row] = await this.dataSource.query<
      { n: number | string; oldest: unknown; r: number | string | null }[]
    >(
      'SELECT COUNT(*) AS n, MIN(pending_since) AS oldest, SUM(CASE WHEN reconcile = 1 THEN 1 ELSE 0 END) AS r ' +
        `FROM provisioned_object${this.queueHint} WHERE target_id = ? AND pending = 1`,
      [targetId],
    );
    return {
      pending: Number(row?.n ?? 0),
      oldest: row?.oldest == null ? null : fromDbDate(row.oldest),
      reconciling: Number(row?.r ?? 0),
    };
  }

  /** How many objects the target holds (a target id recorded), counted up to `cap`. */
  async countHeldUpTo(targetId: string, cap: number): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM provisioned_object
          WHERE target_id = ? AND target_object_id > '' LIMIT ?) AS held`,
      [targetId, cap],
    );
    return Number(row?.n ?? 0);
  }

  /** Pending users the target has no id for (joiners to match or create), counted up to `cap`. */
  async countPendingJoiners(targetId: string, cap: number): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM provisioned_object
          WHERE target_id = ? AND pending = 1 AND object_type = 'User' AND target_object_id IS NULL LIMIT ?) AS joiners`,
      [targetId, cap],
    );
    return Number(row?.n ?? 0);
  }

  /** `pendingSummary` of each of `targetIds` (absent: nothing pending), a seek per target in one statement. */
  pendingSummaries(targetIds: string[]): Promise<Map<string, PendingSummary>> {
    return this.summariesOf.get([...targetIds].sort().join(','), () => this.readPendingSummaries(targetIds));
  }

  private async readPendingSummaries(targetIds: string[]): Promise<Map<string, PendingSummary>> {
    const out = new Map<string, PendingSummary>();
    for (const chunk of chunks(targetIds, 500)) {
      const rows = await this.dataSource.query<
        { target_id: string; n: number | string; oldest: unknown; r: number | string | null }[]
      >(
        'SELECT target_id, COUNT(*) AS n, MIN(pending_since) AS oldest, ' +
          `SUM(CASE WHEN reconcile = 1 THEN 1 ELSE 0 END) AS r FROM provisioned_object${this.queueHint} ` +
          `WHERE target_id IN (${placeholders(chunk.length)}) AND pending = 1 GROUP BY target_id`,
        chunk,
      );
      for (const row of rows)
        out.set(row.target_id, {
          pending: Number(row.n),
          oldest: row.oldest == null ? null : fromDbDate(row.oldest),
          reconciling: Number(row.r ?? 0),
        });
    }
    return out;
  }

  /** `countHeld` of each of `targetIds` (absent: none held). */
  async countHeldOf(targetIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const chunk of chunks(targetIds, 500)) {
      const rows = await this.dataSource.query<{ target_id: string; n: number | string }[]>(
        `SELECT target_id, COUNT(*) AS n FROM provisioned_object
          WHERE target_id IN (${placeholders(chunk.length)}) AND deprovision_hold = 'held' GROUP BY target_id`,
        chunk,
      );
      for (const row of rows) out.set(row.target_id, Number(row.n));
    }
    return out;
  }

  /** `ignoredChanges` of each of `targetIds` (absent: none). */
  async ignoredChangesOf(targetIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const chunk of chunks(targetIds, 500)) {
      const rows = await this.dataSource.query<{ target_id: string; ignored_changes: string }[]>(
        `SELECT target_id, ignored_changes FROM provisioned_object
          WHERE target_id IN (${placeholders(chunk.length)}) AND has_ignored_changes = 1`,
        chunk,
      );
      for (const row of rows) {
        const list = out.get(row.target_id);
        if (list) list.push(row.ignored_changes);
        else out.set(row.target_id, [row.ignored_changes]);
      }
    }
    return out;
  }

  async countByTarget(): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ target_id: string; n: number | string }[]>(
      'SELECT target_id, COUNT(*) AS n FROM provisioned_object WHERE pending = 1 GROUP BY target_id',
    );
    return new Map(rows.map((r) => [r.target_id, Number(r.n)]));
  }
}

/**
 * `target_object_id IN (…500 ids)` on MariaDB: past 200 values its optimizer estimates from the index's statistics,
 * which were taken while the target's objects had no target ids yet (all NULL: one value), and it reads every object
 * of the target instead (20,000 rows a statement during a 20,000-user sync; a million at a million). So it is told.
 */
export function targetObjectIndexHint(mysql: boolean): string {
  return mysql ? ' FORCE INDEX (ix_provisioned_object_target_object)' : '';
}

/** The completions' wakes, one per target: each object once, due at the latest of their times. */
function wakesByTarget(
  completions: Completion[],
): Map<string, { items: Map<string, WorkItem>; now: Date; notBefore: Date }> {
  const out = new Map<string, { items: Map<string, WorkItem>; now: Date; notBefore: Date }>();
  for (const { key, wake, at } of completions) {
    if (!wake || wake.items.length === 0) continue;
    let merged = out.get(key.targetId);
    if (!merged) out.set(key.targetId, (merged = { items: new Map(), now: at, notBefore: wake.notBefore }));
    for (const item of wake.items) merged.items.set(`${item.objectType}:${item.objectId}`, item);
    if (at > merged.now) merged.now = at;
    if (wake.notBefore > merged.notBefore) merged.notBefore = wake.notBefore;
  }
  return out;
}
