import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { IgnoredSummary, parseIgnored, summarizeIgnored } from '../attempt/ignored-changes';
import { QuarantineState } from '../policy/quarantine-policy';
import { JournalFanOut } from '../queue/journal-fan-out.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { ProvisioningLogRepository } from '../logs/provisioning-log.repository';
import { ProvisioningLog } from '../logs/provisioning-log.entity';
import { TargetsService } from './targets.service';
import { TargetsRepository } from './targets.repository';

export interface TargetStatus {
  targetId: string;
  name: string;
  /** active, paused, quarantined or disabled: "idle or stuck?" at a glance. */
  state: 'active' | 'paused' | 'quarantined' | 'disabled';
  reason: string | null;
  quarantine: { since: string; reason: string; nextProbeAt: string; failedProbes: number } | null;
  pending: { objects: number; oldestAgeSeconds: number | null; journalRowsNotYetQueued: number };
  lastRequest: LogSummary | null;
  lastSuccess: LogSummary | null;
  reconciliation: {
    last: string | null;
    next: string | null;
    requested: boolean;
    summary: unknown;
  };
  /** Disables and deletes held by the accidental-deletion threshold, and why, in words. */
  deletions: { held: number; reason: string | null; threshold: number | null; windowMinutes: number };
  /**
   * Changes the target answered 2xx to but did not keep (found by a read-back or a reconciliation): how many objects,
   * which attributes, the setting that avoids it. Not sent again until the value or that setting changes.
   */
  ignoredChanges: IgnoredSummary;
  totals: Record<string, Record<string, number>>;
}

interface LogSummary {
  at: string;
  objectId: string;
  action: string;
  status: string;
  request: unknown;
  responseStatus: number | null;
}

/** The per-target status page of the admin API. */
@Injectable()
export class TargetStatusService {
  constructor(
    private readonly targetsService: TargetsService,
    private readonly targets: TargetsRepository,
    private readonly queue: WorkQueueRepository,
    private readonly logs: ProvisioningLogRepository,
    private readonly fanOut: JournalFanOut,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async describeTarget(id: string): Promise<TargetStatus> {
    const target = await this.targetsService.requireTarget(id);
    const [rt, pending, held, head, lastRequest, lastSuccess, totals, ignored] = await Promise.all([
      this.targets.findRuntime(id),
      this.queue.pendingSummary(id),
      this.queue.countHeld(id),
      this.fanOut.journalHead(),
      this.logs.latest(id, 'request'),
      this.logs.latest(id, 'success'),
      this.logs.totalsByAction(id),
      this.queue.ignoredChanges(id),
    ]);
    const q = rt?.quarantine ? (JSON.parse(rt.quarantine) as QuarantineState) : null;
    const now = this.clock.now().getTime();
    const state = !target.enabled ? 'disabled' : target.paused ? 'paused' : q ? 'quarantined' : 'active';
    const reason =
      state === 'disabled'
        ? 'the target is disabled'
        : state === 'paused'
          ? 'paused by an operator'
          : q
            ? q.reason
            : held > 0
              ? (rt?.deletionHold ?? `${held} disables and deletes held by the accidental-deletion threshold`)
              : null;
    const last = rt?.lastReconcileAt ?? null;
    const byAction: Record<string, Record<string, number>> = {};
    for (const t of totals) (byAction[t.action] ??= {})[t.status] = t.n;
    return {
      targetId: id,
      name: target.name,
      state,
      reason,
      quarantine: q
        ? {
            since: new Date(q.sinceMs).toISOString(),
            reason: q.reason,
            nextProbeAt: new Date(q.nextProbeAtMs).toISOString(),
            failedProbes: q.failedProbes,
          }
        : null,
      pending: {
        objects: pending.pending,
        oldestAgeSeconds: pending.oldest
          ? Math.max(0, Math.round((now - pending.oldest.getTime()) / 1000))
          : null,
        journalRowsNotYetQueued: Math.max(0, head - (rt?.journalCursor ?? head)),
      },
      lastRequest: summarize(lastRequest),
      lastSuccess: summarize(lastSuccess),
      reconciliation: {
        last: last?.toISOString() ?? null,
        next: new Date((last?.getTime() ?? now) + target.reconcileIntervalMinutes * 60_000).toISOString(),
        requested: rt?.reconcileRequested ?? false,
        summary: rt?.lastReconcileSummary ? (JSON.parse(rt.lastReconcileSummary) as unknown) : null,
      },
      deletions: {
        held,
        reason: held > 0 ? (rt?.deletionHold ?? null) : null,
        threshold: target.deletionThreshold,
        windowMinutes: target.deletionWindowMinutes,
      },
      ignoredChanges: summarizeIgnored(ignored.map(parseIgnored)),
      totals: byAction,
    };
  }
}

function summarize(l: ProvisioningLog | null): LogSummary | null {
  if (!l) return null;
  return {
    at: l.createdAt.toISOString(),
    objectId: l.objectId,
    action: l.action,
    status: l.status,
    request: l.request ? (JSON.parse(l.request) as unknown) : null,
    responseStatus: l.responseStatus,
  };
}
