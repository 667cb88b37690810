import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chunks } from '../../common/chunks';
import { CLOCK, Clock } from '../../common/clock';
import type { CompiledMappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { TransactionRunner } from '../../database/transaction-runner';
import { TargetsRepository } from '../targets/targets.repository';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { WorkItem, WorkQueueRepository } from '../queue/work-queue.repository';
import { AssignmentsRepository } from '../assignments/assignments.repository';
import { assignedAndHeld } from './assigned-walk';
import { liveAndGone } from './directory-walk';
import { objectTypesOf } from '../targets/target.types';
import { ListingComparison } from './listing-comparison';
import { MatchIndexes } from './match-indexes.service';

const PAGE = 1000;

/**
 * A full reconciliation queues every object that can be in the target's scope (every live object; for a target that
 * syncs only assigned objects, the assigned ones) and every object the target still has, marked to be compared with
 * the target's actual resource: drift is repaired, leavers missed by no one are caught, and the accidental-deletion
 * threshold counts the disables and deletes it sends.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('provisioning');
  private readonly mappingSeen = new Map<string, CompiledMappingSet>();

  constructor(
    private readonly directory: DirectoryReader,
    private readonly mappings: MappingsService,
    private readonly queue: WorkQueueRepository,
    private readonly targets: TargetsRepository,
    private readonly tx: TransactionRunner,
    private readonly listing: ListingComparison,
    private readonly assignments: AssignmentsRepository,
    private readonly matchIndexes: MatchIndexes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async requestReconciliation(targetId: string, manager?: EntityManager): Promise<void> {
    await this.targets.updateRuntime(
      targetId,
      { reconcileRequested: true, updatedAt: this.clock.now() },
      manager,
    );
  }

  /** Runs when this process wins the pending request; returns the counts queued. */
  async reconcileIfRequested(
    targetId: string,
  ): Promise<{ users: number; groups: number; goneFromDirectory: number } | null> {
    const started = this.clock.now();
    if (!(await this.targets.takeReconcileRequest(targetId, started))) return null;
    const counts = { users: 0, groups: 0, goneFromDirectory: 0 };
    // Users the target's listing already shows as they would be sent are settled without a read each.
    const target = await this.targets.find(targetId);
    const compared = target ? await this.listing.compareUsers(target) : null;
    const settled = compared?.settled;
    // Every object that can be in scope, and every object the target holds that is no longer live (leavers no one
    // told it about). A target that syncs everyone walks the directory; one that syncs only assigned objects walks
    // its assignments and what it holds.
    const walk = target?.scope === 'assigned' ? 'assigned' : 'directory';
    const reads = { directory: this.directory, assignments: this.assignments, queue: this.queue };
    // A target that does not provision groups would only skip each one: they are not walked.
    for (const type of objectTypesOf(target)) {
      const options = { skip: type === 'User' ? settled : undefined };
      const pages =
        walk === 'assigned'
          ? assignedAndHeld(reads, targetId, type, PAGE, options)
          : liveAndGone(this.directory, this.queue, targetId, type, PAGE, options);
      for await (const { kind, ids: queued } of pages) {
        await this.enqueue(
          targetId,
          queued.map((id) => ({ objectType: type, objectId: id })),
        );
        if (kind === 'gone') counts.goneFromDirectory += queued.length;
        else counts[type === 'User' ? 'users' : 'groups'] += queued.length;
      }
    }
    // Account discovery lists the target once this work is delivered (orphans/): accounts no object holds by then
    // are orphans.
    await this.targets.updateRuntime(targetId, {
      lastReconcileSummary: JSON.stringify({
        startedAt: started.toISOString(),
        walk,
        queued: counts,
        comparedByListing: compared
          ? {
              listed: compared.listed,
              pages: compared.pages,
              unchanged: compared.settled.size,
              durationMs: compared.durationMs,
            }
          : null,
      }),
      orphanScanRequested: true,
      updatedAt: this.clock.now(),
    });
    this.logger.log({ msg: 'reconciliation queued', targetId, ...counts, unchanged: settled?.size ?? 0 });
    return counts;
  }

  private async enqueue(
    targetId: string,
    keys: { objectType: 'User' | 'Group'; objectId: string }[],
  ): Promise<void> {
    const now = this.clock.now();
    const items: WorkItem[] = keys.map((k) => ({ ...k, changeSeq: null, requestId: null, since: now }));
    for (const chunk of chunks(items, PAGE)) {
      await this.tx.run((m) => this.queue.enqueue(m, targetId, chunk, { reconcile: true, now }));
    }
  }

  /** Like Entra, a saved mapping or scoping change re-evaluates every object (a full reconciliation). */
  async requestIfMappingChanged(targetId: string): Promise<void> {
    const compiled = await this.mappings.compiledFor(targetId);
    const seen = this.mappingSeen.get(targetId);
    this.mappingSeen.set(targetId, compiled);
    if (seen === undefined || seen === compiled) return;
    this.matchIndexes.mappingChanged(targetId, seen, compiled);
    await this.requestReconciliation(targetId);
  }
}
