import { Inject, Injectable } from '@nestjs/common';
import type { AdminActor } from '../../audit/audit.types';
import { AuditWriter } from '../../audit/audit.writer';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../common/errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import type { ScimResult } from '../client';
import { ObjectDelivery } from '../attempt/object-delivery.service';
import { DeliveryEngine } from '../engine/delivery-engine.service';
import { ProvisioningLogWriter } from '../logs/provisioning-log.writer';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { MappingTrialsService } from '../targets/mapping-trials.service';
import { TargetClients } from '../targets/target-clients.service';
import { TargetsRepository } from '../targets/targets.repository';
import { TargetsService } from '../targets/targets.service';
import type { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { OrphanAccount, OrphanState } from './orphan-account.entity';
import { OrphanDiscovery, OrphanScanSummary } from './orphan-discovery.service';
import { OrphansRepository } from './orphans.repository';

export interface OrphanView {
  targetObjectId: string;
  userName: string | null;
  externalId: string | null;
  active: boolean | null;
  state: OrphanState;
  /** A live directory user with the same userName or externalId, when there is one: a candidate for a link. */
  directoryCandidate: { id: string; displayName: string } | null;
  firstSeen: string;
  lastSeen: string;
  actedAt: string | null;
}

export interface OrphanActionResult {
  orphan: OrphanView;
  /** What the target answered (disable, delete). */
  target?: { status: number; ok: boolean; error?: string };
  /** For a link: the attempt that compared the account with the user (its steps, as provision on demand shows). */
  provisioning?: { action: string; status: string; reason: string | null; detail: string | null };
  /**
   * Set when the engine adopted the account for this directory user while the disable or delete was on its way:
   * the user is queued to be compared with the app again, which undoes it.
   */
  takenBy?: { userId: string; requeued: true };
}

/**
 * An admin's view of a target's orphan accounts and the three things to do with one: disable it (`PATCH active
 * false`), delete it, or link it to a directory user (adopted as a matched account: its id is taken, the user is
 * compared with it and what differs is sent; never a create).
 */
@Injectable()
export class OrphanActions {
  constructor(
    private readonly orphans: OrphansRepository,
    private readonly discovery: OrphanDiscovery,
    private readonly targetsService: TargetsService,
    private readonly targets: TargetsRepository,
    private readonly clients: TargetClients,
    private readonly directory: DirectoryReader,
    private readonly trials: MappingTrialsService,
    private readonly queue: WorkQueueRepository,
    private readonly delivery: ObjectDelivery,
    private readonly engine: DeliveryEngine,
    private readonly logs: ProvisioningLogWriter,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(
    targetId: string,
    options: { after: string | null; limit: number; matched?: boolean; state?: OrphanState },
  ): Promise<{
    lastScan: OrphanScanSummary | null;
    scanRequested: boolean;
    counts: { open: number; total: number };
    orphans: OrphanView[];
    next: string | null;
  }> {
    await this.targetsService.requireTarget(targetId);
    const runtime = await this.targets.findRuntime(targetId);
    const rows = await this.orphans.list(targetId, { ...options, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    return {
      lastScan: runtime?.lastOrphanScan ? (JSON.parse(runtime.lastOrphanScan) as OrphanScanSummary) : null,
      scanRequested: runtime?.orphanScanRequested ?? false,
      counts: await this.orphans.count(targetId),
      orphans: await this.views(page),
      next: rows.length > options.limit ? page[page.length - 1].targetObjectId : null,
    };
  }

  /** Lists the target now, without waiting for a reconciliation (its work still pending is not waited for). */
  async scanNow(targetId: string): Promise<OrphanScanSummary> {
    await this.targetsService.requireTarget(targetId);
    return (await this.discovery.scan(targetId))!;
  }

  async disable(targetId: string, accountId: string, actor: AdminActor): Promise<OrphanActionResult> {
    const { target, orphan } = await this.requireOrphan(targetId, accountId);
    const { client, limiter } = this.clients.connectionFor(target);
    await limiter.take();
    const result = await client.patchUser(accountId, [{ op: 'replace', path: 'active', value: false }]);
    const takenBy = result.ok ? await this.markActed(orphan, 'disabled', actor) : undefined;
    return this.answer(targetId, orphan, result, takenBy);
  }

  async delete(targetId: string, accountId: string, actor: AdminActor): Promise<OrphanActionResult> {
    const { target, orphan } = await this.requireOrphan(targetId, accountId);
    const { client, limiter } = this.clients.connectionFor(target);
    await limiter.take();
    const result = await client.deleteUser(accountId);
    // 404: it is gone already, which is what was asked.
    const takenBy =
      result.ok || result.status === 404 ? await this.markActed(orphan, 'deleted', actor) : undefined;
    return this.answer(targetId, orphan, result, takenBy);
  }

  async link(
    targetId: string,
    accountId: string,
    userId: string,
    actor: AdminActor,
  ): Promise<OrphanActionResult> {
    const { target, orphan } = await this.requireOrphan(targetId, accountId);
    if (orphan.state === 'deleted')
      throw new ConflictError(`Orphan ${accountId} was deleted from the target`);
    const user = (await this.directory.users([userId])).get(userId);
    if (!user) throw new NotFoundError(`User ${userId} not found in the directory`);
    if (user.deletedAt)
      throw new InvalidRequestError(`User ${userId} is soft-deleted: it cannot own an account`);
    const preview = await this.trials.previewForUser(targetId, { userId });
    if (!preview.wouldCreate)
      throw new ConflictError(
        `User ${userId} is not in this target's scope (${scopeWords(preview)}): a linked account would be a leaver at once`,
      );
    const now = this.clock.now();
    const outcome = await this.tx.run(async (m) => {
      const linked = await this.orphans.link(m, targetId, accountId, userId, now, () =>
        this.queue.enqueue(
          m,
          targetId,
          [{ objectType: 'User', objectId: userId, changeSeq: null, requestId: null, since: now }],
          {
            reconcile: true,
            now,
          },
        ),
      );
      if (linked === 'linked')
        await this.audit.record(m, actor, {
          action: 'orphan.link',
          ...orphanObject(orphan),
          before: { userName: orphan.userName, state: orphan.state },
          after: { state: 'linked', userId },
        });
      return linked;
    });
    if (outcome === 'already_linked')
      throw new ConflictError(`User ${userId} already holds an account in this target`);
    if (outcome === 'busy')
      throw new ConflictError(`User ${userId} is being provisioned to this target right now; try again`);
    const report = await this.delivery.deliverNow(
      target,
      { targetId, objectType: 'User', objectId: userId },
      this.engine.owner,
    );
    await this.logs.flush();
    const [view] = await this.views([(await this.orphans.find(targetId, accountId)) ?? orphan]);
    return {
      orphan: view,
      provisioning: {
        action: report.action,
        status: report.status,
        reason: report.reason,
        detail: report.detail,
      },
    };
  }

  /**
   * The account's new state and its audit entry, in one transaction, once the target has done it.
   *
   * The engine may have adopted the account for a joiner while the request was on its way (the check before it is
   * not a lock: the engine's matching does not read the findings). Then the account is that user's, and what the
   * admin did to it is undone the way any change made in the app is: the user is queued for a comparison with what
   * the app holds (`reconcile`), which sends `active` back or creates the account again. Returns that user.
   */
  private async markActed(
    orphan: OrphanAccount,
    state: 'disabled' | 'deleted',
    actor: AdminActor,
  ): Promise<string | undefined> {
    const { targetId, targetObjectId } = orphan;
    return this.tx.run(async (m) => {
      const now = this.clock.now();
      const holder = (await this.orphans.holders(targetId, [targetObjectId], m)).get(targetObjectId);
      if (holder !== undefined)
        await this.queue.enqueue(
          m,
          targetId,
          [{ objectType: 'User', objectId: holder, changeSeq: null, requestId: null, since: now }],
          { reconcile: true, now },
        );
      else await this.orphans.markActed(targetId, targetObjectId, state, now, m);
      await this.audit.record(m, actor, {
        action: state === 'disabled' ? 'orphan.disable' : 'orphan.delete',
        ...orphanObject(orphan),
        before: { userName: orphan.userName, state: orphan.state },
        after: holder === undefined ? { state } : { state: orphan.state, takenBy: holder, requeued: true },
      });
      return holder;
    });
  }

  private async requireOrphan(
    targetId: string,
    accountId: string,
  ): Promise<{ target: ProvisioningTarget; orphan: OrphanAccount }> {
    const target = await this.targetsService.requireTarget(targetId);
    const orphan = await this.orphans.find(targetId, accountId);
    if (!orphan) throw new NotFoundError(`No orphan account ${accountId} in target ${targetId}`);
    if (orphan.state === 'linked')
      throw new ConflictError(`Orphan ${accountId} is linked to a directory user already`);
    // Disabling or deleting an account a directory user holds now would take it from them.
    if ((await this.orphans.holders(targetId, [accountId])).has(accountId))
      throw new ConflictError(
        `Account ${accountId} belongs to a directory user of this target now (matched since the last listing): ` +
          'it is no longer an orphan, and nothing was sent',
      );
    return { target, orphan };
  }

  private async answer(
    targetId: string,
    before: OrphanAccount,
    result: ScimResult,
    takenBy: string | undefined,
  ): Promise<OrphanActionResult> {
    const [view] = await this.views([(await this.orphans.find(targetId, before.targetObjectId)) ?? before]);
    return {
      orphan: view,
      target: { status: result.status, ok: result.ok, ...(result.ok ? {} : { error: result.error.message }) },
      ...(takenBy === undefined ? {} : { takenBy: { userId: takenBy, requeued: true } }),
    };
  }

  private async views(rows: OrphanAccount[]): Promise<OrphanView[]> {
    const ids = rows.map((r) => r.directoryUserId).filter((id): id is string => id !== null);
    const names =
      ids.length > 0
        ? await this.directory.describe('User', ids)
        : new Map<string, { displayName: string }>();
    return rows.map((r) => ({
      targetObjectId: r.targetObjectId,
      userName: r.userName,
      externalId: r.externalId,
      active: r.active,
      state: r.state,
      directoryCandidate:
        r.directoryUserId === null
          ? null
          : {
              id: r.directoryUserId,
              displayName: names.get(r.directoryUserId)?.displayName ?? r.directoryUserId,
            },
      firstSeen: r.firstSeenAt.toISOString(),
      lastSeen: r.lastSeenAt.toISOString(),
      actedAt: r.actedAt?.toISOString() ?? null,
    }));
  }
}

const orphanObject = (o: OrphanAccount) =>
  ({ objectType: 'orphan', objectId: o.targetObjectId, targetId: o.targetId }) as const;

function scopeWords(preview: Awaited<ReturnType<MappingTrialsService['previewForUser']>>): string {
  if (preview.assignment.required && !preview.assignment.assigned) return 'not assigned to the app';
  if (!preview.scope.inScope) return preview.scope.reason ?? 'outside the scoping filter';
  return 'the mapping does not create users';
}
