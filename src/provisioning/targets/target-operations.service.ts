import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
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
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Entra's "Restart provisioning": every object is evaluated again and compared with the target. */
  async restartTarget(id: string): Promise<{ reconciliationRequested: true }> {
    await this.targetsService.requireTarget(id);
    await this.reconciliation.requestReconciliation(id);
    return { reconciliationRequested: true };
  }

  /** Leave quarantine now and send every failed object again without waiting for its backoff. */
  async retryTarget(id: string): Promise<{ released: boolean; objectsRetried: number }> {
    await this.targetsService.requireTarget(id);
    const released =
      this.health.quarantine(id) !== undefined || (await this.targets.findRuntime(id))?.quarantine != null;
    await this.health.release(id);
    return { released, objectsRetried: await this.queue.retryNow(id) };
  }

  /** The disables and deletes the deletion threshold held are sent now, past the threshold. */
  async releaseDeletions(id: string): Promise<{ released: number }> {
    await this.targetsService.requireTarget(id);
    const now = this.clock.now();
    const released = await this.queue.releaseHeld(id, now);
    await this.targets.holdDeletions(id, null, now);
    return { released };
  }

  /** The held disables and deletes are dropped: those accounts stay as they are in the target. */
  async discardDeletions(id: string): Promise<{ discarded: number }> {
    await this.targetsService.requireTarget(id);
    const now = this.clock.now();
    const discarded = await this.queue.discardHeld(id, now);
    await this.targets.holdDeletions(id, null, now);
    return { discarded };
  }

  /**
   * Provision one object now, synchronously, and return every step (Entra's provision on demand). A group goes with
   * up to 5 of its direct members (the ones named, else the first five), each provisioned first and reported apart.
   */
  async provisionOnDemand(
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
