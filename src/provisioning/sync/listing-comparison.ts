import { Inject, Injectable, Logger } from '@nestjs/common';
import { CompactIdSet } from '../../common/compact-id-set';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { MappingsService } from '../../mapping/mappings.service';
import { ENTERPRISE_USER_SCHEMA } from '../../scim-protocol';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { AttemptExecutor } from '../attempt/attempt-executor';
import { accountOf, resourcePages } from '../client';
import { OrphanDiscovery } from '../orphans/orphan-discovery.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import type { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetClients } from '../targets/target-clients.service';

/** Resources asked per page of the listing (the target may serve fewer; paging follows what it serves). */
const PAGE = 1000;

export interface ListingComparisonResult {
  /** Users the listing shows exactly as the gateway would send them: nothing to queue for them. */
  settled: CompactIdSet;
  /** Resources the target listed. */
  listed: number;
  pages: number;
  durationMs: number;
}

/**
 * A full reconciliation of a target's users by one listing instead of a `GET` per user: the target's users are read
 * a page at a time, and each one the gateway provisioned is compared, in this process, with what its attempt would
 * send (the attempt's own planner, the listed resource standing in for its `GET`). Only the users whose comparison
 * finds something to do are queued; the rest are settled here. Memory holds one page and the settled ids (16 bytes
 * each: a million of them in 32 MB).
 */
@Injectable()
export class ListingComparison {
  private readonly logger = new Logger('provisioning');

  constructor(
    private readonly clients: TargetClients,
    private readonly queue: WorkQueueRepository,
    private readonly directory: DirectoryReader,
    private readonly mappings: MappingsService,
    private readonly assignmentScopes: AssignmentScopes,
    private readonly attempts: AttemptExecutor,
    private readonly discovery: OrphanDiscovery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Null when no listing is worth it (the target holds fewer than RECONCILE_LISTING_MIN_OBJECTS objects: a read of
   * each costs little, and a new target's first reconciliation holds none) or the target cannot be listed (it refused
   * or failed a page): every user is then queued and read by itself.
   */
  async compareUsers(target: ProvisioningTarget): Promise<ListingComparisonResult | null> {
    const started = Date.now();
    const min = this.config.provisioning.reconcileListingMinObjects;
    if ((await this.queue.countHeldUpTo(target.id, min)) < min) return null;
    const compiled = await this.mappings.compiledFor(target.id);
    const { client, limiter } = this.clients.connectionFor(target);
    const settled = new CompactIdSet();
    // The same listing serves account discovery: the accounts no queue row holds are its orphans.
    const orphans = this.discovery.fromListing(target.id);
    let listed = 0;
    let pages = 0;
    const listing = resourcePages(client, {
      pageSize: PAGE,
      maxAccounts: Number.MAX_SAFE_INTEGER,
      beforeRequest: () => limiter.take(),
    });
    const ahead = () => {
      const next = listing.next();
      next.catch(() => undefined); // awaited below; a comparison that throws first must not leave it unhandled
      return next;
    };
    for (let coming = ahead(); ;) {
      const { value: page, done } = await coming;
      if (done) break;
      if (page.kind === 'failed') {
        this.logger.warn({
          msg: 'reconciliation: the target refused its listing; every user is compared by a read of its own',
          targetId: target.id,
          error: page.failure.error.message,
        });
        return null;
      }
      if (page.kind !== 'page') break;
      // The next page travels while this one is compared.
      coming = ahead();
      pages++;
      listed += page.accounts.length;
      const byId = new Map(page.accounts.map((r) => [r.id, r]));
      const rows = await this.queue.listedStates(target.id, [...byId.keys()]);
      await orphans?.page(page.accounts.map(accountOf), new Set(rows.map((r) => r.targetObjectId!)));
      if (rows.length === 0) continue;
      const ids = rows.map((r) => r.objectId);
      const [sources, scopes] = await Promise.all([
        this.directory.users(ids),
        this.assignmentScopes.forObjects(
          target.id,
          ids.map((id) => ({ type: 'User' as const, id })),
        ),
      ]);
      const managers = await this.queue.targetIds(target.id, managerIds(sources.values()));
      for (const row of rows) {
        const source = sources.get(row.objectId);
        const assignment = scopes.get(row.objectId);
        const listedResource = byId.get(row.targetObjectId!);
        if (!source || !assignment || !listedResource) continue;
        const reads = { compiled, source, assignment };
        if (this.attempts.unchangedAsListed(target, row, listedResource, reads, managers))
          settled.add(row.objectId);
      }
    }
    await orphans?.complete();
    return { settled, listed, pages, durationMs: Date.now() - started };
  }
}

function managerIds(sources: Iterable<{ doc: Record<string, unknown> }>): string[] {
  const ids = new Set<string>();
  for (const s of sources) {
    const ext = s.doc[ENTERPRISE_USER_SCHEMA] as { manager?: { value?: unknown } } | undefined;
    if (typeof ext?.manager?.value === 'string') ids.add(ext.manager.value);
  }
  return [...ids];
}
