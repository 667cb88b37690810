import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { objectTypesOf } from '../targets/target.types';
import { TargetsRepository } from '../targets/targets.repository';
import { AssignmentFanOut } from '../queue/assignment-fan-out.service';
import { JournalFanOut } from '../queue/journal-fan-out.service';
import { BatchReads, isNewInTarget, ObjectDelivery } from '../attempt/object-delivery.service';
import { ProvisionedObject } from '../queue/provisioned-object.entity';
import { ReconciliationService } from '../sync/reconciliation.service';
import { OrphanDiscovery } from '../orphans/orphan-discovery.service';
import { MatchIndexes } from '../sync/match-indexes.service';
import { ReconcileTurns } from '../sync/reconcile-turns';
import { TargetHealthService } from '../targets/target-health.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { BulkCapabilities, BulkMode } from '../targets/bulk-capabilities.service';

const PROBE_HOLD_MS = 60_000;
const SWEEP_MS = 30_000;
/**
 * Batches of a `/Bulk` target claimed at once (each up to its `maxOperations`): the next one is read, mapped and
 * planned while the one before is on the wire.
 */
const BULK_BATCHES_IN_FLIGHT = 2;
/** A batch this large is worth claiming when the bound holds a target back (smaller ones wait for room). */
const USEFUL_BATCH = 100;

/** A batch claimed for a target, about to be read and sent. */
interface Claimed {
  target: ProvisioningTarget;
  rows: ProvisionedObject[];
  token: string;
  /** `performance.now()` when the claim was committed. */
  claimedAt: number;
  mode: 'all' | 'probe';
  bulk: BulkMode | null;
  /** As many rows as slots: more is waiting. */
  full: boolean;
}

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
  private readonly discovering = new Set<string>();
  private readonly lastSweep = new Map<string, number>();
  /** Targets whose next batch is to be claimed as soon as the pass or refill before is over. */
  private readonly wanted = new Set<string>();
  /** Targets whose last claim the process-wide bound (`maxInFlight`) cut short: they claim again as room frees. */
  private readonly squeezed = new Set<string>();
  private totalInFlight = 0;

  constructor(
    private readonly targets: TargetsRepository,
    private readonly fanOut: JournalFanOut,
    private readonly assignmentFanOut: AssignmentFanOut,
    private readonly queue: WorkQueueRepository,
    private readonly delivery: ObjectDelivery,
    private readonly reconciliation: ReconciliationService,
    private readonly discovery: OrphanDiscovery,
    private readonly matchIndexes: MatchIndexes,
    private readonly turns: ReconcileTurns,
    private readonly health: TargetHealthService,
    private readonly bulk: BulkCapabilities,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.provisioning.engineEnabled) return;
    // SQLite serves one process: leases left by a killed predecessor are void. On MySQL they run out within LEASE_MS
    // of the kill (nobody renews them), and this process or another takes them then.
    if (this.config.database.engine === 'sqlite')
      await this.queue.releaseAllLeases((await this.targets.list()).map((t) => t.id));
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

  /**
   * More is waiting for a target (its last claim was full): its next batch is claimed at once, in turn with the
   * passes, without a whole pass over every target (whose cost would grow with the number of targets times their
   * batches). Targets asking meanwhile are claimed together, so that their batches share one read of the directory.
   */
  private refill(targetId: string): void {
    this.wanted.add(targetId);
    if (this.wanted.size > 1) return;
    this.ticking = this.ticking
      .then(async () => {
        const ids = [...this.wanted];
        this.wanted.clear();
        if (this.stopped) return;
        const targets = (await this.targets.list()).filter(
          (t) => ids.includes(t.id) && t.enabled && !t.paused,
        );
        for (const id of ids) if (!targets.some((t) => t.id === id)) this.squeezed.delete(id);
        await this.claimAndDeliver(targets);
      })
      .catch((err: unknown) => {
        this.logger.error({ msg: 'claiming the next batches failed', error: String(err) });
      });
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
    const deliverable: ProvisioningTarget[] = [];
    const requested: string[] = [];
    for (const target of targets) {
      const rt = byId.get(target.id);
      if (!target.enabled || !rt) continue;
      this.health.sync(target.id, rt.quarantine);
      await this.reconciliation.requestIfMappingChanged(target.id);
      const types = objectTypesOf(target);
      if (rt.journalCursor < head)
        for (let i = 0; i < 5 && (await this.fanOut.fanOut(target.id, types)) > 0; i++);
      await this.assignmentFanOut.fanOut(target.id, types);
      if (rt.reconcileRequested) requested.push(target.id);
      if (rt.orphanScanRequested && !target.paused && !this.discovering.has(target.id))
        this.startDiscovery(target.id);
      await this.sweepStranded(target.id);
      if (!target.paused) deliverable.push(target);
    }
    for (const id of this.turns.offer(requested)) this.startReconciliation(id);
    for (const id of this.squeezed) if (!deliverable.some((t) => t.id === id)) this.squeezed.delete(id);
    await this.claimAndDeliver(deliverable);
  }

  /** Now and then (and first thing after a start), users left waiting for a manager that has arrived are woken. */
  private async sweepStranded(targetId: string): Promise<void> {
    const now = this.clock.now().getTime();
    if ((this.lastSweep.get(targetId) ?? -Infinity) > now - SWEEP_MS) return;
    this.lastSweep.set(targetId, now);
    const woken = await this.queue.wakeStranded(targetId, new Date(now));
    if (woken > 0)
      this.logger.log({ msg: 'woke users waiting for a manager already in the target', targetId, woken });
  }

  /** Started when its turn comes (`ReconcileTurns`). */
  private startReconciliation(targetId: string): void {
    void this.reconciliation
      .reconcileIfRequested(targetId)
      .catch((err: unknown) =>
        this.logger.error({ msg: 'reconciliation failed', targetId, error: String(err) }),
      )
      .finally(() => this.turns.done(targetId));
  }

  /** Account discovery runs beside the deliveries (a listing of a large target takes a while). */
  private startDiscovery(targetId: string): void {
    this.discovering.add(targetId);
    void this.discovery
      .scanIfDue(targetId)
      .catch((err: unknown) =>
        this.logger.error({ msg: 'account discovery failed', targetId, error: String(err) }),
      )
      .finally(() => this.discovering.delete(targetId));
  }

  /**
   * Every target's batch is claimed first, then each is read and sent: a read that starts after several targets'
   * claims serves them all (`SharedUserReads`), so a change going to twenty targets is read once, not twenty times.
   */
  private async claimAndDeliver(targets: ProvisioningTarget[]): Promise<void> {
    const claimed: Claimed[] = [];
    // One target's failure (a claim, a read) never leaves another's claimed batch unsent.
    const failed = (targetId: string) => (err: unknown) => {
      this.logger.error({ msg: 'claiming or sending a batch failed', targetId, error: String(err) });
      return null;
    };
    for (const target of targets) {
      const batch = await this.claim(target).catch(failed(target.id));
      if (batch) claimed.push(batch);
    }
    for (const batch of claimed) await this.deliverClaimed(batch).catch(failed(batch.target.id));
  }

  private async claim(target: ProvisioningTarget): Promise<Claimed | null> {
    const mode = this.health.mayDeliver(target.id);
    if (mode === 'none') return null;
    if (this.matchIndexes.building(target.id)) return null;
    // The target's /ServiceProviderConfig is being read for the first time: its first batch waits for the answer.
    const capabilities = this.bulk.current(target);
    if (!capabilities) return null;
    const bulk = mode === 'all' && capabilities.mode === 'bulk' ? capabilities : null;
    const busy = this.inFlight.get(target.id) ?? 0;
    const share = this.shareOf(target.id);
    const size = Math.min(bulk?.limits?.maxOperations ?? 0, share);
    const wants = bulk
      ? Math.min(size, size * BULK_BATCHES_IN_FLIGHT - busy)
      : (mode === 'probe' ? 1 : target.concurrency * 8) - busy;
    if (wants <= 0 || (mode === 'probe' && busy > 0)) return null;
    const slots = Math.min(wants, share - busy, this.config.provisioning.maxInFlight - this.totalInFlight);
    // Held back by the bound: less than a useful batch waits for room (the deliveries that free it claim for it).
    this.squeezed.delete(target.id);
    if (slots < Math.min(wants, share, USEFUL_BATCH)) {
      this.squeezed.add(target.id);
      return null;
    }
    const now = this.clock.now();
    const token = `${this.owner}:${++this.claims}`;
    // Reserve the slots before the claim's round trip: deliveries that finish meanwhile decrement the same counter.
    this.adjustInFlight(target.id, slots);
    let rows: ProvisionedObject[] = [];
    let claimedAt = 0;
    try {
      rows = await this.queue.claim(target.id, token, slots, now);
      claimedAt = performance.now();
      // Cut short and found all it asked for: more is waiting, and it claims again as room frees.
      if (slots < wants && rows.length === slots) this.squeezed.add(target.id);
    } finally {
      this.adjustInFlight(target.id, rows.length - slots);
    }
    if (rows.length === 0) return null;
    // Many joiners: they wait for one listing of the target and are matched against it, rather than a lookup each.
    const joiners = rows.filter((r) => r.objectType === 'User' && !r.targetObjectId).length;
    if (this.matchIndexes.consider(target, joiners)) {
      this.adjustInFlight(target.id, -rows.length);
      await this.queue.abandon(target.id, rows, token);
      return null;
    }
    return { target, rows, token, claimedAt, mode, bulk, full: rows.length === slots };
  }

  private async deliverClaimed({ target, rows, token, claimedAt, mode, bulk, full }: Claimed): Promise<void> {
    if (mode === 'probe') this.health.deferProbe(target.id, PROBE_HOLD_MS);
    let reads: BatchReads;
    try {
      reads = await this.delivery.readBatch(target, rows, claimedAt);
    } catch (err) {
      // Nothing was sent: give the rows back at once instead of holding (and renewing) them with no attempt running.
      this.adjustInFlight(target.id, -rows.length);
      await this.queue.abandon(target.id, rows, token).catch(() => undefined);
      throw err;
    }
    if (bulk) return this.deliverBulk(target, rows, token, reads, bulk, full);
    // `concurrency` requests in flight at once; a few more claimed so that the next one starts without a DB round trip.
    const work = [...rows];
    const newInTarget: string[] = [];
    // A full batch means more is waiting: claim the next one as soon as this one is taken, not at the next poll.
    let refill = full;
    const lanes = Array.from({ length: Math.min(target.concurrency, rows.length) }, async () => {
      for (let row = work.shift(); row; row = work.shift()) {
        if (work.length === 0 && refill) {
          refill = false;
          this.refill(target.id);
        }
        try {
          const report = await this.delivery.deliver(target, row, token, reads);
          if (report && isNewInTarget(row, report)) newInTarget.push(row.objectId);
        } finally {
          this.adjustInFlight(target.id, -1);
        }
      }
    });
    // Managers' reports and groups of the new objects are woken once per batch, not once per object.
    const batch = Promise.all(lanes)
      .then(() => this.delivery.wakeDependents(target, newInTarget, reads))
      .catch((err: unknown) =>
        this.logger.error({ msg: 'waking dependents failed', targetId: target.id, error: String(err) }),
      );
    this.deliveries.add(batch);
    void batch.finally(() => this.deliveries.delete(batch));
  }

  /**
   * A batch whose writes go through the target's `/Bulk`: its slots are given back together once every object of it
   * is done, so the next claims are whole batches again. A full batch means more is waiting: the next one is claimed
   * now, and again when this one is done.
   */
  private deliverBulk(
    target: ProvisioningTarget,
    rows: ProvisionedObject[],
    token: string,
    reads: BatchReads,
    mode: BulkMode,
    full: boolean,
  ): void {
    if (full) this.refill(target.id);
    const batch = this.delivery
      .deliverBulk(target, rows, token, reads, mode)
      .then((newInTarget) => this.delivery.wakeDependents(target, newInTarget, reads))
      .catch((err: unknown) =>
        this.logger.error({ msg: 'bulk delivery failed', targetId: target.id, error: String(err) }),
      )
      .finally(() => {
        this.adjustInFlight(target.id, -rows.length);
        if (full) this.refill(target.id);
      });
    this.deliveries.add(batch);
    void batch.finally(() => this.deliveries.delete(batch));
  }

  /**
   * A target's part of `maxInFlight`: an even share among the targets holding objects or squeezed (a target alone
   * may take it all). As more targets want work, the ones holding much get smaller batches.
   */
  private shareOf(targetId?: string): number {
    const contenders = new Set(this.squeezed);
    if (targetId) contenders.add(targetId);
    for (const [id, n] of this.inFlight) if (n > 0) contenders.add(id);
    return Math.max(1, Math.floor(this.config.provisioning.maxInFlight / Math.max(1, contenders.size)));
  }

  private adjustInFlight(targetId: string, delta: number): void {
    this.inFlight.set(targetId, (this.inFlight.get(targetId) ?? 0) + delta);
    this.totalInFlight += delta;
    // Room for a batch freed: the targets the bound held back claim again.
    if (
      delta < 0 &&
      this.squeezed.size > 0 &&
      this.config.provisioning.maxInFlight - this.totalInFlight >= Math.min(USEFUL_BATCH, this.shareOf())
    )
      for (const id of this.squeezed) this.refill(id);
  }

  /** Requests in flight or claimed for a target by this process (the status page and tests read it). */
  inFlightFor(targetId: string): number {
    return this.inFlight.get(targetId) ?? 0;
  }
}
