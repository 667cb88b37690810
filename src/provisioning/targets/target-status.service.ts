import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { IgnoredSummary, parseIgnored, summarizeIgnored } from '../attempt/ignored-changes';
import { QuarantineState } from '../policy/quarantine-policy';
import { JournalRetentionService, NeededJournalRow } from '../jobs/journal-retention.service';
import { JournalFanOut } from '../queue/journal-fan-out.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { LatestEntry, ProvisioningLogRepository } from '../logs/provisioning-log.repository';
import { ProvisioningTarget } from './provisioning-target.entity';
import { TargetRuntime } from './target-runtime.entity';
import { TargetsService } from './targets.service';
import { TargetsRepository } from './targets.repository';
import { MatchIndexes, type MatchingMode } from '../sync/match-indexes.service';
import { ReconcileTurns, type ReconcileTurn } from '../sync/reconcile-turns';
import { BulkCapabilities, type BulkMode } from './bulk-capabilities.service';

export interface TargetStatus {
  targetId: string;
  name: string;
  /** active, paused, quarantined or disabled: "idle or stuck?" at a glance. */
  state: 'active' | 'paused' | 'quarantined' | 'disabled';
  reason: string | null;
  quarantine: { since: string; reason: string; nextProbeAt: string; failedProbes: number } | null;
  /**
   * `reconciling`: the pending objects a full reconciliation queued and not yet delivered; with the counts it queued
   * (`reconciliation.summary.queued`), the progress of the current cycle in objects.
   */
  pending: {
    objects: number;
    oldestAgeSeconds: number | null;
    journalRowsNotYetQueued: number;
    reconciling: number;
  };
  lastRequest: LogSummary | null;
  lastSuccess: LogSummary | null;
  reconciliation: {
    last: string | null;
    next: string | null;
    requested: boolean;
    /**
     * A requested one as this process's engine holds it: running, or waiting for a turn (`RECONCILE_MAX_CONCURRENT`)
     * with how many are ahead of it. Null when none is requested or another process runs the engine.
     */
    turn: ReconcileTurn | null;
    summary: unknown;
  };
  /** Disables and deletes held by the accidental-deletion threshold, and why, in words. */
  deletions: { held: number; reason: string | null; threshold: number | null; windowMinutes: number };
  /**
   * Changes the target answered 2xx to but did not keep (found by a read-back or a reconciliation): how many objects,
   * which attributes, the setting that avoids it. Not sent again until the value or that setting changes.
   */
  ignoredChanges: IgnoredSummary;
  /**
   * The change journal as this target consumes it: the oldest row it still needs, kept for it however old (the
   * journal retention prunes only rows every target has consumed), and a warning once that row is past the retention.
   */
  journal: {
    cursor: number;
    head: number;
    oldestNeeded: { seq: number; changedAt: string } | null;
    retentionDays: number;
    warning: string | null;
  };
  /** How joiners are matched now: against a listing of the target read once, or a lookup each (and why). */
  matching: MatchingMode;
  /** Whether writes go through the target's `/Bulk` now (its setting, what it advertises), and why. */
  bulk: BulkMode;
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

/** What a target's status is made of, read one target at a time or all at once. */
interface StatusReads {
  rt: TargetRuntime | null;
  pending: { pending: number; oldest: Date | null; reconciling: number };
  held: number;
  head: number;
  lastRequest: LatestEntry | null;
  lastSuccess: LatestEntry | null;
  totals: { action: string; status: string; n: number }[];
  ignored: string[];
  oldestNeeded: NeededJournalRow | null;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The per-target status page of the admin API. */
@Injectable()
export class TargetStatusService {
  constructor(
    private readonly targetsService: TargetsService,
    private readonly targets: TargetsRepository,
    private readonly queue: WorkQueueRepository,
    private readonly logs: ProvisioningLogRepository,
    private readonly fanOut: JournalFanOut,
    private readonly journalRetention: JournalRetentionService,
    private readonly matchIndexes: MatchIndexes,
    private readonly turns: ReconcileTurns,
    private readonly bulkCapabilities: BulkCapabilities,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const cursor = rt?.journalCursor ?? head;
    const oldestNeeded = cursor < head ? await this.journalRetention.oldestNeeded(cursor) : null;
    return this.compose(target, {
      rt,
      pending,
      held,
      head,
      lastRequest,
      lastSuccess,
      totals,
      ignored,
      oldestNeeded,
    });
  }

  /**
   * Every target's status, as `describeTarget` answers it, read with a fixed number of statements whatever the
   * number of targets (each per-target read a seek of its index, the seeks of all targets in one statement), and one
   * journal read per distinct cursor behind the head.
   */
  async describeTargets(): Promise<TargetStatus[]> {
    const targets = await this.targets.list();
    const ids = targets.map((t) => t.id);
    const [runtimes, pending, held, head, lastRequests, lastSuccesses, totals, ignored] = await Promise.all([
      this.targets.listRuntimes(),
      this.queue.pendingSummaries(ids),
      this.queue.countHeldOf(ids),
      this.fanOut.journalHead(),
      this.logs.latestOfEach(ids, 'request'),
      this.logs.latestOfEach(ids, 'success'),
      this.logs.totalsOf(ids),
      this.queue.ignoredChangesOf(ids),
    ]);
    const rts = new Map(runtimes.map((rt) => [rt.targetId, rt]));
    const behind = [...new Set(runtimes.map((rt) => rt.journalCursor).filter((c) => c < head))];
    const needed = new Map(
      await Promise.all(behind.map(async (c) => [c, await this.journalRetention.oldestNeeded(c)] as const)),
    );
    return targets.map((target) => {
      const rt = rts.get(target.id) ?? null;
      const cursor = rt?.journalCursor ?? head;
      return this.compose(target, {
        rt,
        pending: pending.get(target.id) ?? { pending: 0, oldest: null, reconciling: 0 },
        held: held.get(target.id) ?? 0,
        head,
        lastRequest: lastRequests.get(target.id) ?? null,
        lastSuccess: lastSuccesses.get(target.id) ?? null,
        totals: totals.get(target.id) ?? [],
        ignored: ignored.get(target.id) ?? [],
        oldestNeeded: cursor < head ? (needed.get(cursor) ?? null) : null,
      });
    });
  }

  private compose(target: ProvisioningTarget, r: StatusReads): TargetStatus {
    const { rt, pending, held, head, oldestNeeded } = r;
    const id = target.id;
    const cursor = rt?.journalCursor ?? head;
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
    for (const t of r.totals) (byAction[t.action] ??= {})[t.status] = t.n;
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
        reconciling: pending.reconciling,
      },
      lastRequest: summarize(r.lastRequest),
      lastSuccess: summarize(r.lastSuccess),
      reconciliation: {
        last: last?.toISOString() ?? null,
        next: new Date((last?.getTime() ?? now) + target.reconcileIntervalMinutes * 60_000).toISOString(),
        requested: rt?.reconcileRequested ?? false,
        turn: this.turns.turnOf(id),
        summary: rt?.lastReconcileSummary ? (JSON.parse(rt.lastReconcileSummary) as unknown) : null,
      },
      deletions: {
        held,
        reason: held > 0 ? (rt?.deletionHold ?? null) : null,
        threshold: target.deletionThreshold,
        windowMinutes: target.deletionWindowMinutes,
      },
      ignoredChanges: summarizeIgnored(r.ignored.map(parseIgnored)),
      journal: {
        cursor,
        head,
        oldestNeeded: oldestNeeded
          ? { seq: oldestNeeded.seq, changedAt: oldestNeeded.changedAt.toISOString() }
          : null,
        retentionDays: this.config.retention.journalDays,
        warning: journalWarning(oldestNeeded, state, this.config.retention.journalDays, now),
      },
      matching: this.matchIndexes.mode(id),
      bulk: this.bulkCapabilities.describe(target),
      totals: byAction,
    };
  }
}

/**
 * Said once the oldest row a target needs is older than the journal retention (an hour at least, so that a
 * retention of 0 does not warn of every target's ordinary lag): the journal keeps growing for this target alone.
 */
function journalWarning(
  oldest: NeededJournalRow | null,
  state: TargetStatus['state'],
  retentionDays: number,
  now: number,
): string | null {
  if (!oldest || now - oldest.changedAt.getTime() <= Math.max(retentionDays * DAY_MS, HOUR_MS)) return null;
  const remedy =
    state === 'disabled'
      ? 'enable the target, or remove it if it is no longer used'
      : 'check that the provisioning engine is running and look for errors in its log';
  return (
    `This target has not consumed the change journal since ${oldest.changedAt.toISOString()} (row ${oldest.seq}), ` +
    `longer ago than the journal retention (JOURNAL_RETENTION_DAYS=${retentionDays}): the journal keeps every row ` +
    `from there on for it and grows until it catches up; ${remedy}.`
  );
}

function summarize(l: LatestEntry | null): LogSummary | null {
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
