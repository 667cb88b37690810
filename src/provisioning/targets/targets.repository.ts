import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MicroBatcher } from '../../common/micro-batcher';
import { toDbDateText } from '../../database/db-values';
import { execute, forUpdate } from '../../database/sql';
import { TransactionRunner } from '../../database/transaction-runner';
import { ProvisionedMembership } from '../queue/provisioned-membership.entity';
import { ProvisionedObject } from '../queue/provisioned-object.entity';
import { ProvisioningTarget } from './provisioning-target.entity';
import { ProvisioningLatest } from '../logs/provisioning-latest.entity';
import { ProvisioningTotal } from '../logs/provisioning-total.entity';
import { DeprovisionEvent } from './deprovision-event.entity';
import { TargetRuntime } from './target-runtime.entity';
import { OrphanAccount } from '../orphans/orphan-account.entity';

interface BudgetTake {
  id: string;
  threshold: number;
  windowMs: number;
  now: Date;
}

interface BudgetAnswer {
  allowed: boolean;
  /** Disables and deletes in the window, this one included when allowed. */
  sent: number;
}

/** Storage of targets and their runtime rows. */
@Injectable()
export class TargetsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  find(id: string): Promise<ProvisioningTarget | null> {
    return this.dataSource.manager.findOneBy(ProvisioningTarget, { id });
  }

  list(): Promise<ProvisioningTarget[]> {
    return this.dataSource.manager.find(ProvisioningTarget, { order: { name: 'ASC' } });
  }

  findRuntime(id: string): Promise<TargetRuntime | null> {
    return this.dataSource.manager.findOneBy(TargetRuntime, { targetId: id });
  }

  listRuntimes(): Promise<TargetRuntime[]> {
    return this.dataSource.manager.find(TargetRuntime);
  }

  async insert(manager: EntityManager, target: ProvisioningTarget, runtime: TargetRuntime): Promise<void> {
    await manager.insert(ProvisioningTarget, target);
    await manager.insert(TargetRuntime, runtime);
  }

  /** In `manager`'s transaction when given (an admin change commits with its audit entry), else in its own. */
  async update(id: string, changes: Partial<ProvisioningTarget>, manager?: EntityManager): Promise<void> {
    const write = (m: EntityManager) => m.update(ProvisioningTarget, { id }, changes);
    await (manager ? write(manager) : this.tx.run(write));
  }

  async updateRuntime(id: string, changes: Partial<TargetRuntime>, manager?: EntityManager): Promise<void> {
    const write = (m: EntityManager) => m.update(TargetRuntime, { targetId: id }, changes);
    await (manager ? write(manager) : this.tx.run(write));
  }

  /**
   * Takes one disable or delete from the target's budget: allowed while fewer than `threshold` were sent in the last
   * `windowMs`, and then recorded. The runtime row is locked first, so processes sharing MySQL count one budget.
   * Takes asked in the same turn of the event loop share one transaction (a leaver wave asks once per object, and
   * one transaction each made the first 500 of a 100,000-user unassignment take 2 s on MariaDB).
   */
  takeDeprovision(
    id: string,
    threshold: number,
    windowMs: number,
    now: Date,
  ): Promise<{ allowed: boolean; sent: number }> {
    return this.budgetTakes.add({ id, threshold, windowMs, now });
  }

  private readonly budgetTakes = new MicroBatcher<BudgetTake, BudgetAnswer>(
    (takes) => this.takeMany(takes),
    async (take) => (await this.takeMany([take]))[0],
    1000,
  );

  /** In one transaction, each target's takes in the order asked; targets are locked in id order (no deadlock). */
  private takeMany(takes: BudgetTake[]): Promise<BudgetAnswer[]> {
    const byTarget = new Map<string, number[]>();
    takes.forEach((t, i) => {
      const asked = byTarget.get(t.id);
      if (asked) asked.push(i);
      else byTarget.set(t.id, [i]);
    });
    return this.tx.run(async (m) => {
      const answers: BudgetAnswer[] = [];
      for (const id of [...byTarget.keys()].sort()) {
        const asked = byTarget.get(id)!;
        const first = takes[asked[0]];
        await m.query(`SELECT target_id FROM target_runtime WHERE target_id = ?${forUpdate(m)}`, [id]);
        const since = toDbDateText(new Date(first.now.getTime() - first.windowMs));
        await execute(m, 'DELETE FROM deprovision_event WHERE target_id = ? AND at <= ?', [id, since]);
        const [row] = await m.query<{ n: number | string }[]>(
          'SELECT COUNT(*) AS n FROM deprovision_event WHERE target_id = ?',
          [id],
        );
        let sent = Number(row?.n ?? 0);
        const events: Pick<DeprovisionEvent, 'targetId' | 'at'>[] = [];
        for (const i of asked) {
          const allowed = sent < takes[i].threshold;
          if (allowed) {
            sent += 1;
            events.push({ targetId: id, at: takes[i].now });
          }
          answers[i] = { allowed, sent };
        }
        if (events.length > 0) await m.insert(DeprovisionEvent, events);
      }
      return answers;
    });
  }

  /** Says, in words, that the threshold holds disables and deletes; null once they are released or discarded. */
  async holdDeletions(id: string, reason: string | null, at: Date, manager?: EntityManager): Promise<void> {
    await this.updateRuntime(id, { deletionHold: reason, updatedAt: at }, manager);
  }

  /** Takes the reconciliation request (conditional: one process wins it). */
  async takeReconcileRequest(id: string, at: Date): Promise<boolean> {
    return this.tx.run(async (m) => {
      const result = (await m.queryRunner!.query(
        'UPDATE target_runtime SET reconcile_requested = 0, last_reconcile_at = ?, updated_at = ? WHERE target_id = ? AND reconcile_requested = 1',
        [toDbDateText(at), toDbDateText(at), id],
        true,
      )) as { affected?: number };
      return (result.affected ?? 0) > 0;
    });
  }

  /** Takes the account-discovery request (conditional: one process wins it). */
  async takeOrphanScanRequest(id: string, at: Date): Promise<boolean> {
    return this.tx.run(async (m) => {
      const result = (await m.queryRunner!.query(
        'UPDATE target_runtime SET orphan_scan_requested = 0, updated_at = ? WHERE target_id = ? AND orphan_scan_requested = 1',
        [toDbDateText(at), id],
        true,
      )) as { affected?: number };
      return (result.affected ?? 0) > 0;
    });
  }

  /**
   * The target and every row that is its state: runtime (cursor, quarantine), work queue and what was sent,
   * memberships (the mapping set is the mapping module's, removed by the caller in the same transaction). The runtime row goes first: the journal fan-out locks it before queueing, so on
   * MySQL a fan-out either finishes before this or finds no target. Provisioning log entries stay: they are the
   * record of what the app was sent and are purged after PROVISIONING_LOG_RETENTION_DAYS like any other.
   */
  async remove(manager: EntityManager, id: string): Promise<boolean> {
    await manager.delete(TargetRuntime, { targetId: id });
    await manager.delete(DeprovisionEvent, { targetId: id });
    await manager.delete(ProvisioningTotal, { targetId: id });
    await manager.delete(ProvisioningLatest, { targetId: id });
    await manager.delete(ProvisionedMembership, { targetId: id });
    await manager.delete(ProvisionedObject, { targetId: id });
    await manager.delete(OrphanAccount, { targetId: id });
    const result = await manager.delete(ProvisioningTarget, { id });
    return (result.affected ?? 0) === 1;
  }
}
