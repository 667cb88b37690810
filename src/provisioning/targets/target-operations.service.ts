import { Inject, Injectable } from '@nestjs/common';
import type { AdminActor } from '../../audit/audit.types';
import { AuditWriter } from '../../audit/audit.writer';
import { CLOCK, Clock } from '../../common/clock';
import { TransactionRunner } from '../../database/transaction-runner';
import { InvalidRequestError, NotFoundError } from '../../common/errors';
import { ProvisioningLogWriter } from '../logs/provisioning-log.writer';
import { TargetsService } from './targets.service';
import { TargetsRepository } from './targets.repository';
import { ProvisioningStep } from '../attempt/attempt.types';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { DeliveryEngine } from '../engine/delivery-engine.service';
import { ObjectDelivery } from '../attempt/object-delivery.service';
import { ReconciliationService } from '../sync/reconciliation.service';
import { TargetHealthService } from './target-health.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { ProvisioningTarget } from './provisioning-target.entity';

/** Entra provisions at most five members of a group on demand. */
const ON_DEMAND_MEMBERS = 5;

export interface OnDemandResult {
  targetId: string;
  objectType: 'User' | 'Group';
  objectId: string;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  targetObjectId: string | null;
  steps: ProvisioningStep[];
}

/** The operator's actions on a target: restart (full reconciliation), retry (leave quarantine), provision on demand. */
@Injectable()
export class TargetOperationsService {
  constructor(
    private readonly targetsService: TargetsService,
    private readonly targets: TargetsRepository,
    private readonly reconciliation: ReconciliationService,
    private readonly health: TargetHealthService,
    private readonly queue: WorkQueueRepository,
    private readonly delivery: ObjectDelivery,
    private readonly engine: DeliveryEngine,
    private readonly directory: DirectoryReader,
    private readonly logs: ProvisioningLogWriter,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Entra's "Restart provisioning": every object is evaluated again and compared with the target. */
  async restartTarget(id: string, actor: AdminActor): Promise<{ reconciliationRequested: true }> {
    await this.targetsService.requireTarget(id);
    await this.tx.run(async (m) => {
      await this.reconciliation.requestReconciliation(id, m);
      await this.audit.record(m, actor, { action: 'target.restart', ...targetObject(id) });
    });
    return { reconciliationRequested: true };
  }

  /** Leave quarantine now and send every failed object again without waiting for its backoff. */
  async retryTarget(id: string, actor: AdminActor): Promise<{ released: boolean; objectsRetried: number }> {
    await this.targetsService.requireTarget(id);
    const released =
      this.health.quarantine(id) !== undefined || (await this.targets.findRuntime(id))?.quarantine != null;
    return this.tx.run(async (m) => {
      await this.health.release(id, m);
      const result = { released, objectsRetried: await this.queue.retryNow(id, m) };
      await this.audit.record(m, actor, { action: 'target.retry', ...targetObject(id), after: result });
      return result;
    });
  }

  /** The disables and deletes the deletion threshold held are sent now, past the threshold. */
  async releaseDeletions(id: string, actor: AdminActor): Promise<{ released: number }> {
    await this.targetsService.requireTarget(id);
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      const result = { released: await this.queue.releaseHeld(id, now, m) };
      await this.targets.holdDeletions(id, null, now, m);
      await this.audit.record(m, actor, { action: 'deletions.release', ...targetObject(id), after: result });
      return result;
    });
  }

  /** The held disables and deletes are dropped: those accounts stay as they are in the target. */
  async discardDeletions(id: string, actor: AdminActor): Promise<{ discarded: number }> {
    await this.targetsService.requireTarget(id);
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      const result = { discarded: await this.queue.discardHeld(id, now, m) };
      await this.targets.holdDeletions(id, null, now, m);
      await this.audit.record(m, actor, { action: 'deletions.discard', ...targetObject(id), after: result });
      return result;
    });
  }

  /**
   * Provision one object now, synchronously, and return every step (Entra's provision on demand). A group goes with
   * up to 5 of its direct members (the ones named, else the first five), each provisioned first and reported apart.
   */
  async provisionOnDemand(
    id: string,
    ref: { userId?: string; groupId?: string; memberIds?: string[] },
    actor: AdminActor,
  ): Promise<OnDemandResult & { members?: OnDemandResult[] }> {
    const result = await this.provisionRequested(id, ref);
    // It sent requests to the app, which no transaction can hold back: recorded once done, with the outcome.
    await this.tx.run((m) =>
      this.audit.record(m, actor, {
        action: 'target.provision',
        ...targetObject(id),
        after: {
          objectType: result.objectType,
          objectId: result.objectId,
          action: result.action,
          status: result.status,
          ...(result.members
            ? { members: result.members.map((r) => ({ objectId: r.objectId, status: r.status })) }
            : {}),
        },
      }),
    );
    return result;
  }

  private async provisionRequested(
    id: string,
    ref: { userId?: string; groupId?: string; memberIds?: string[] },
  ): Promise<OnDemandResult & { members?: OnDemandResult[] }> {
    if ((ref.userId === undefined) === (ref.groupId === undefined))
      throw new InvalidRequestError('Give either userId or groupId');
    if (ref.memberIds && !ref.groupId) throw new InvalidRequestError('memberIds go with groupId');
    if (ref.memberIds && ref.memberIds.length > ON_DEMAND_MEMBERS)
      throw new InvalidRequestError(
        `At most ${ON_DEMAND_MEMBERS} members of a group are provisioned on demand`,
      );
    const target = await this.targetsService.requireTarget(id);
    if (ref.userId !== undefined) {
      if (!(await this.directory.users([ref.userId])).has(ref.userId))
        throw new NotFoundError(`User ${ref.userId} not found in the directory`);
      return this.provisionNow(target, 'User', ref.userId);
    }
    const groupId = ref.groupId!;
    if ((await this.directory.group(groupId)) === null)
      throw new NotFoundError(`Group ${groupId} not found in the directory`);
    const users = (await this.directory.membersOf(groupId)).filter((m) => m.type === 'User').map((m) => m.id);
    const strangers = (ref.memberIds ?? []).filter((m) => !users.includes(m));
    if (strangers.length > 0)
      throw new InvalidRequestError(`Not direct members of group ${groupId}: ${strangers.join(', ')}`);
    const chosen = ref.memberIds ?? users.sort().slice(0, ON_DEMAND_MEMBERS);
    const members: OnDemandResult[] = [];
    // The members first: the group's membership then includes the ones the target has.
    for (const userId of chosen) members.push(await this.provisionNow(target, 'User', userId));
    return { ...(await this.provisionNow(target, 'Group', groupId)), members };
  }

  private async provisionNow(
    target: ProvisioningTarget,
    objectType: 'User' | 'Group',
    objectId: string,
  ): Promise<OnDemandResult> {
    const key = { targetId: target.id, objectType, objectId } as const;
    const report = await this.delivery.deliverNow(target, key, this.engine.owner);
    await this.logs.flush();
    return {
      targetId: target.id,
      objectType,
      objectId,
      action: report.action,
      status: report.status,
      reason: report.reason,
      detail: report.detail,
      targetObjectId: report.outcome.targetObjectId,
      steps: report.steps,
    };
  }
}

const targetObject = (id: string) => ({ objectType: 'target', objectId: id, targetId: id }) as const;
