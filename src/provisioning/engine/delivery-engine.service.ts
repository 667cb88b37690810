import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { MappingsService } from '../../mapping/mappings.service';
import { ProvisioningMetrics } from '../metrics/provisioning-metrics';
import { nextDelayMs } from '../policy/retry-policy';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetsRepository } from '../targets/targets.repository';
import { DirectoryReader } from './directory-reader.repository';
import { JournalFanOut } from './journal-fan-out.service';
import { ObjectProvisioner } from './object-provisioner.service';
import { ProvisionedObject } from './provisioned-object.entity';
import { ReconciliationService } from './reconciliation.service';
import { TargetHealthService } from './target-health.service';
import { WorkQueueRepository } from './work-queue.repository';

const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 12;
const BACKOFF = { baseMs: 500, capMs: 5 * 60_000 };
const PROBE_HOLD_MS = 60_000;

/**
 * The engine loop of one process: every poll interval, per target, move new journal rows into the work queue, then
 * claim due objects (leases: several processes share the queue) up to the target's concurrency and deliver them.
 * Targets are independent: a slow or quarantined one never holds the others back.
 */
@Injectable()
export class DeliveryEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('provisioning');
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private claims = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<string, number>();
  private readonly deliveries = new Set<Promise<void>>();
  private readonly reconciling = new Set<string>();
  private readonly mappingSeen = new Map<string, unknown>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: TargetsRepository,
    private readonly fanOut: JournalFanOut,
    private readonly queue: WorkQueueRepository,
    private readonly provisioner: ObjectProvisioner,
    private readonly reconciliation: ReconciliationService,
    private readonly health: TargetHealthService,
    private readonly directory: DirectoryReader,
    private readonly metrics: ProvisioningMetrics,
    private readonly mappings: MappingsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.provisioning.engineEnabled) return;
    // SQLite serves one process: leases left by a killed predecessor are void. MySQL leases expire instead.
    if (this.dataSource.options.type === 'better-sqlite3') await this.queue.releaseAllLeases();
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.deliveries]);
  }

  /** Runs one pass now (tests and on-demand paths call it to avoid waiting for the timer). */
  tick(): Promise<void> {
    this.ticking = this.ticking
      .then(() => this.pass())
      .catch((err: unknown) => {
        this.logger.error({
          msg: 'provisioning pass failed',
          error: err instanceof Error ? err.stack : String(err),
        });
      });
    return this.ticking;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().then(() => this.schedule());
    }, this.config.provisioning.pollIntervalMs);
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    const [targets, runtimes, head] = await Promise.all([
      this.targets.list(),
      this.targets.listRuntimes(),
      this.fanOut.journalHead(),
    ]);
    const byId = new Map(runtimes.map((r) => [r.targetId, r]));
    for (const target of targets) {
      const rt = byId.get(target.id);
      if (!target.enabled || !rt) continue;
      this.health.sync(target.id, rt.quarantine);
      await this.noticeMappingChange(target.id);
      if (rt.journalCursor < head) for (let i = 0; i < 5 && (await this.fanOut.fanOut(target.id)) > 0; i++);
      if (rt.reconcileRequested && !this.reconciling.has(target.id)) this.startReconciliation(target.id);
      if (!target.paused) await this.claimAndDeliver(target);
    }
  }

  /** Like Entra, a saved mapping or scoping change re-evaluates every object (a full reconciliation). */
  private async noticeMappingChange(targetId: string): Promise<void> {
    const compiled = await this.mappings.compiledFor(targetId);
    const seen = this.mappingSeen.get(targetId);
    this.mappingSeen.set(targetId, compiled);
    if (seen !== undefined && seen !== compiled) await this.reconciliation.requestReconciliation(targetId);
  }

  private startReconciliation(targetId: string): void {
    this.reconciling.add(targetId);
    void this.reconciliation
      .reconcileIfRequested(targetId)
      .catch((err: unknown) =>
        this.logger.error({ msg: 'reconciliation failed', targetId, error: String(err) }),
      )
      .finally(() => this.reconciling.delete(targetId));
  }

  private async claimAndDeliver(target: ProvisioningTarget): Promise<void> {
    const mode = this.health.mayDeliver(target.id);
    if (mode === 'none') return;
    const busy = this.inFlight.get(target.id) ?? 0;
    const slots = (mode === 'probe' ? 1 : target.concurrency * 8) - busy;
    if (slots <= 0 || (mode === 'probe' && busy > 0)) return;
    const now = this.clock.now();
    const token = `${this.owner}:${++this.claims}`;
    // Reserve the slots before the claim's round trip: deliveries that finish meanwhile decrement the same counter.
    this.adjustInFlight(target.id, slots);
    let rows: ProvisionedObject[] = [];
    try {
      rows = await this.queue.claim(target.id, token, slots, now, new Date(now.getTime() + LEASE_MS));
    } finally {
      this.adjustInFlight(target.id, rows.length - slots);
    }
    if (rows.length === 0) return;
    if (mode === 'probe') this.health.deferProbe(target.id, PROBE_HOLD_MS);
    // `concurrency` requests in flight at once; a few more claimed so that the next one starts without a DB round trip.
    const lanes = Math.min(target.concurrency, rows.length);
    const work = [...rows];
    // A full batch means more is waiting: claim the next one as soon as this one is taken, not at the next poll.
    let refill = rows.length === slots;
    for (let i = 0; i < lanes; i++) {
      const lane = (async () => {
        for (let row = work.shift(); row; row = work.shift()) {
          if (work.length === 0 && refill) {
            refill = false;
            void this.tick();
          }
          try {
            await this.deliver(target, row, token);
          } finally {
            this.adjustInFlight(target.id, -1);
          }
        }
      })();
      this.deliveries.add(lane);
      void lane.finally(() => this.deliveries.delete(lane));
    }
  }

  private adjustInFlight(targetId: string, delta: number): void {
    this.inFlight.set(targetId, (this.inFlight.get(targetId) ?? 0) + delta);
  }

  /** Requests in flight or claimed for a target by this process (the status page and tests read it). */
  inFlightFor(targetId: string): number {
    return this.inFlight.get(targetId) ?? 0;
  }

  private async deliver(target: ProvisioningTarget, row: ProvisionedObject, token: string): Promise<void> {
    const key = { targetId: target.id, objectType: row.objectType, objectId: row.objectId };
    const attempt = row.attempts + 1;
    try {
      const report = await this.provisioner.provisionObject(target, key, row, {
        reconcile: row.reconcile,
        changeSeq: row.changeSeq,
        requestId: row.requestId,
        attempt,
      });
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
      await this.queue.complete(key, { ...report.outcome, retryAt }, now, {
        owner: token,
        generation: row.generation,
      });
      if (!retryAt && row.pendingSince)
        this.metrics.observeLatency(target.id, (now.getTime() - row.pendingSince.getTime()) / 1000);
      if (report.nowInTarget && row.targetObjectId === null) await this.wakeDependents(target, key.objectId);
      const waitingFor = report.outcome.waitingFor;
      if (waitingFor && (await this.queue.targetIds(target.id, [waitingFor])).has(waitingFor))
        await this.queue.wakeWaiting(target.id, waitingFor, now);
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
            lastResult: 'failure',
            lastError: 'internal error; see the gateway log',
            waitingFor: row.waitingFor,
            retryAt: new Date(
              now.getTime() + nextDelayMs(Math.min(attempt, 10), { ...BACKOFF, random: Math.random }),
            ),
          },
          now,
          { owner: token, generation: row.generation },
        )
        .catch(() => undefined);
    }
  }

  /** A new object in the target: users whose manager it is, and (for a user) its groups, are sent again. */
  private async wakeDependents(target: ProvisioningTarget, objectId: string): Promise<void> {
    const now = this.clock.now();
    await this.queue.wakeWaiting(target.id, objectId, now);
    if (!target.provisionGroups) return;
    const groups = await this.directory.groupIdsOf(objectId);
    if (groups.length === 0) return;
    await this.queue.enqueueNow(
      target.id,
      groups.map((id) => ({
        objectType: 'Group' as const,
        objectId: id,
        changeSeq: null,
        requestId: null,
        since: now,
      })),
      now,
    );
  }
}
