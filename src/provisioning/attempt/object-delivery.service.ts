import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError } from '../../common/errors';
import type { CompiledMappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { ProvisioningMetrics } from '../metrics/provisioning-metrics';
import { nextDelayMs } from '../policy/retry-policy';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { objectTypesOf } from '../targets/target.types';
import { AttemptReport } from './attempt.types';
import { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import type { AssignmentScope } from '../assignments/assignment-scope';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { AttemptExecutor } from './attempt-executor';
import type { BulkSeat } from './bulk-batch';
import { TargetExchanges } from './target-exchange';
import type { BulkMode } from '../targets/bulk-capabilities.service';
import { ProvisionedObject } from '../queue/provisioned-object.entity';
import { ObjectKey, WorkItem, WorkQueueRepository } from '../queue/work-queue.repository';
import { SharedUserReads } from './shared-user-reads';

const MAX_ATTEMPTS = 12;
const BACKOFF = { baseMs: 500, capMs: 5 * 60_000 };
/** A group woken by a new member waits this long for more of them, so an initial sync does not resend it per member. */
const GROUP_SETTLE_MS = 1_000;
/** Provision on demand waits at most this long for the engine to finish the same object. */
const ON_DEMAND_WAIT_MS = 1_500;

/** What `readBatch` read once for a batch of claimed rows; each attempt reads what is missing. */
export interface BatchReads {
  compiled?: CompiledMappingSet;
  /** The batch's users by id; a user missing from it is gone from the directory. */
  users?: Map<string, DirectoryObject>;
  /** The batch's objects' assignments on the target, by object id. */
  assignments?: Map<string, AssignmentScope>;
  /**
   * The groups of the batch's objects not in the target yet (an object in none is absent), when the target takes
   * groups: those of one that gets in are queued with its completion.
   */
  groups?: Map<string, string[]>;
}

/**
 * One attempt on one leased object, and what follows it: the outcome written back under the lease (retry with
 * backoff, or done), the latency metric, and the objects that waited for this one woken. The engine's lanes and
 * provision on demand both go through here, so the two can never send the same object at once.
 */
@Injectable()
export class ObjectDelivery {
  private readonly logger = new Logger('provisioning');
  private onDemandClaims = 0;

  constructor(
    private readonly executor: AttemptExecutor,
    private readonly queue: WorkQueueRepository,
    private readonly directory: DirectoryReader,
    private readonly sharedReads: SharedUserReads,
    private readonly mappings: MappingsService,
    private readonly assignmentScopes: AssignmentScopes,
    private readonly metrics: ProvisioningMetrics,
    private readonly exchanges: TargetExchanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs one attempt on a row leased by `token`; null when it failed inside the gateway (kept pending, logged).
   * When the object is new in the target, its groups read with the batch (`BatchReads.groups`) are queued with its
   * completion, and the caller wakes the rest of its dependents (`wakeDependents`), for a whole batch at once: any
   * time after the completion is soon enough, since a dependent that completes later checks for itself.
   * `batch`: what `readBatch` read for the row's batch; `seat`: its place in a batch sent through `/Bulk`, left
   * as soon as the attempt is over (before its completion is written: the batch's other writes need not wait).
   */
  async deliver(
    target: ProvisioningTarget,
    row: ProvisionedObject,
    token: string,
    batch: BatchReads = {},
    seat?: BulkSeat,
  ): Promise<AttemptReport | null> {
    const key = { targetId: target.id, objectType: row.objectType, objectId: row.objectId };
    const attempt = row.attempts + 1;
    try {
      const source =
        row.objectType === 'User' && batch.users ? (batch.users.get(row.objectId) ?? null) : undefined;
      let report: AttemptReport;
      try {
        report = await this.executor.provisionObject(
          target,
          row,
          attempt,
          { compiled: batch.compiled, source, assignment: batch.assignments?.get(row.objectId) },
          seat,
        );
      } finally {
        seat?.leave();
      }
      const now = this.clock.now();
      const retryAt =
        report.retry && attempt < MAX_ATTEMPTS
          ? new Date(
              now.getTime() +
                nextDelayMs(attempt, {
                  ...BACKOFF,
                  retryAfterMs: report.retry.retryAfterMs,
                  random: Math.random,
                }),
            )
          : undefined;
      const groups = isNewInTarget(row, report) ? batch.groups?.get(row.objectId) : undefined;
      await this.queue.complete(
        key,
        { ...report.outcome, retryAt },
        now,
        { owner: token, generation: row.generation },
        groups && { items: groupsToSend(groups, now), notBefore: new Date(now.getTime() + GROUP_SETTLE_MS) },
      );
      if (!retryAt && row.pendingSince)
        this.metrics.observeLatency(target.name, (now.getTime() - row.pendingSince.getTime()) / 1000);
      // The manager may have arrived in the target since the translation looked: then nobody else will wake us.
      const waitingFor = report.outcome.waitingFor;
      if (waitingFor && (await this.queue.targetIds(target.id, [waitingFor])).has(waitingFor))
        await this.queue.wakeWaiting(target.id, [waitingFor], now);
      return report;
    } catch (err) {
      // Not the target's answer (a database error, a bug): keep the object pending and try again later.
      this.logger.error({
        msg: 'delivery failed',
        targetId: target.id,
        objectId: row.objectId,
        error: err instanceof Error ? err.stack : String(err),
      });
      const now = this.clock.now();
      await this.queue
        .complete(
          key,
          {
            targetObjectId: row.targetObjectId,
            status: row.status,
            lastSent: row.lastSent,
            lastSentHash: row.lastSentHash,
            ignoredChanges: row.ignoredChanges,
            lastResult: 'failure',
            lastError: 'internal error; see the gateway log',
            waitingFor: row.waitingFor,
            deprovisionHold: row.deprovisionHold,
            retryAt: new Date(
              now.getTime() + nextDelayMs(Math.min(attempt, 10), { ...BACKOFF, random: Math.random }),
            ),
          },
          now,
          { owner: token, generation: row.generation },
        )
        .catch(() => undefined);
      return null;
    }
  }

  /**
   * A claimed batch of a target that takes `/Bulk`: every attempt at once, their writes sent together (`BulkBatch`),
   * each outcome written back as `deliver` does. An object retried after a failure goes alone, as plain requests.
   * Returns the objects new in the target, for `wakeDependents`.
   */
  async deliverBulk(
    target: ProvisioningTarget,
    rows: ProvisionedObject[],
    token: string,
    reads: BatchReads,
    mode: BulkMode,
  ): Promise<string[]> {
    const batch = this.exchanges.bulkBatch(target, mode);
    // Every seat before any attempt starts: the first write waits for the others.
    const seats = rows.map((row) => batch.seat(row.attempts > 0));
    const newInTarget: string[] = [];
    await Promise.all(
      rows.map(async (row, i) => {
        const report = await this.deliver(target, row, token, reads, seats[i]);
        if (report && isNewInTarget(row, report)) newInTarget.push(row.objectId);
      }),
    );
    return newInTarget;
  }

  /**
   * One read of the mapping and of the claimed users for the whole batch instead of one per object; users another
   * target's batch has just read are not read again when that read holds what this batch was claimed for
   * (`SharedUserReads`; `claimedAt`: `performance.now()` when the claim was committed). A
   * change after the read bumps the row's generation, so the object stays pending and goes again with the newer
   * state. On a database error each attempt reads for itself.
   */
  async readBatch(
    target: ProvisioningTarget,
    rows: ProvisionedObject[],
    claimedAt: number,
  ): Promise<BatchReads> {
    try {
      const users = rows.filter((r) => r.objectType === 'User');
      const [compiled, read, assignments, groups] = await Promise.all([
        this.mappings.compiledFor(target.id),
        users.length > 0 ? this.sharedReads.users(users, claimedAt) : undefined,
        this.assignmentScopes.forObjects(
          target.id,
          rows.map((r) => ({ type: r.objectType, id: r.objectId })),
        ),
        this.groupsOfJoiners(target, rows),
      ]);
      return { compiled, users: read, assignments, groups };
    } catch (err) {
      this.logger.warn({ msg: 'batch prefetch failed', targetId: target.id, error: String(err) });
      return {};
    }
  }

  /** `BatchReads.groups`: the groups of the rows with no id in the target, when the target takes groups. */
  private async groupsOfJoiners(
    target: ProvisioningTarget,
    rows: ProvisionedObject[],
  ): Promise<Map<string, string[]> | undefined> {
    if (!objectTypesOf(target).includes('Group')) return undefined;
    const joiners = rows.filter((r) => r.targetObjectId === null).map((r) => r.objectId);
    return joiners.length > 0 ? this.directory.groupsByMember(joiners) : new Map<string, string[]>();
  }

  /**
   * Provision on demand: lease the object (waiting briefly if the engine is sending it right now), then the same
   * attempt as the engine's. A change that arrives meanwhile stays pending for the engine.
   */
  async deliverNow(target: ProvisioningTarget, key: ObjectKey, owner: string): Promise<AttemptReport> {
    const token = `${owner}:on-demand:${++this.onDemandClaims}`;
    const deadline = Date.now() + ON_DEMAND_WAIT_MS;
    for (;;) {
      const now = this.clock.now();
      const row = await this.queue.claimOne(key, token, now);
      if (row) {
        const reads = { groups: await this.groupsOfJoiners(target, [row]) };
        const report = await this.deliver(target, { ...row, reconcile: false, attempts: 0 }, token, reads);
        if (!report)
          throw new Error(`provisioning ${key.objectType} ${key.objectId} failed inside the gateway`);
        if (isNewInTarget(row, report)) await this.wakeDependents(target, [key.objectId], reads);
        return report;
      }
      if (Date.now() > deadline)
        throw new ConflictError(
          `${key.objectType} ${key.objectId} is being provisioned to this target right now; try again in a moment`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Objects new in the target: users whose manager one is are sent again, and so are the groups they are members of
   * that their completions did not queue (`reads.groups`, read before the attempt: a membership added since then).
   */
  async wakeDependents(target: ProvisioningTarget, objectIds: string[], reads: BatchReads): Promise<void> {
    if (objectIds.length === 0) return;
    const now = this.clock.now();
    await this.queue.wakeWaiting(target.id, objectIds, now);
    if (!objectTypesOf(target).includes('Group')) return;
    const queued = new Set(objectIds.flatMap((id) => reads.groups?.get(id) ?? []));
    const groups = (await this.directory.groupIdsOf(objectIds)).filter((id) => !queued.has(id));
    if (groups.length === 0) return;
    await this.queue.enqueueNow(
      target.id,
      groupsToSend(groups, now),
      now,
      new Date(now.getTime() + GROUP_SETTLE_MS),
    );
  }
}

/** Groups to send again (their membership), as work items. */
function groupsToSend(groupIds: string[], now: Date): WorkItem[] {
  return groupIds.map((id) => ({
    objectType: 'Group',
    objectId: id,
    changeSeq: null,
    requestId: null,
    since: now,
  }));
}

/** Created or adopted by this attempt (it had no id in the target before). */
export function isNewInTarget(row: ProvisionedObject, report: AttemptReport): boolean {
  return report.nowInTarget && row.targetObjectId === null;
}
