import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { accountPages, type TargetAccount } from '../client';
import { TargetClients } from '../targets/target-clients.service';
import { TargetsRepository } from '../targets/targets.repository';
import { FoundOrphan, OrphansRepository } from './orphans.repository';

/** `count` asked per page of the listing; a target that serves fewer per page is followed at its own size. */
export const ORPHAN_PAGE_SIZE = 500;
/** While a reconciliation's work drains, whether it is done is asked at most this often per target. */
const DRAIN_CHECK_MS = 2_000;

/** What the last listing of a target did, kept on its runtime row and shown by the orphans endpoint. */
export interface OrphanScanSummary {
  startedAt: string;
  finishedAt: string;
  /** The whole list was read: only then are accounts no longer found removed from the orphans. */
  complete: boolean;
  listed: number;
  /** Accounts a directory object of this target holds. */
  linked: number;
  /** Accounts no directory object of this target holds (recorded as orphans). */
  orphans: number;
  /** Of those, how many have a directory user of the same userName or externalId (a candidate for a link). */
  withDirectoryCandidate: number;
  /** Why it stopped early, in words (a refused listing, the ORPHAN_SCAN_MAX_ACCOUNTS bound). */
  stoppedBecause?: string;
  /**
   * Whose listing found the accounts: discovery's own, or a full reconciliation's (which compared the target's users
   * with one listing: the accounts were recorded from it, and the target was not listed a second time).
   */
  listing?: 'own' | 'reconciliation';
  /** A reconciliation's listing whose queued work has not drained yet: `settle` finishes the summary. */
  awaitingDrain?: boolean;
  /** Accounts the reconciliation's listing recorded that its work linked before it drained (adopted by a lookup). */
  linkedSince?: number;
}

/** Records the accounts of a reconciliation's listing that no queue row holds, a page at a time. */
export interface ListingDiscovery {
  /** A page of the listing; `held`: the ids among them that a directory object of the target holds. */
  page(accounts: TargetAccount[], held: ReadonlySet<string>): Promise<void>;
  /** The listing reached its end: the summary waits for the reconciliation's work to drain. */
  complete(): Promise<void>;
}

/**
 * Account discovery: every account of the target's users that no directory object of this target holds is recorded
 * as an orphan, from the listing a full reconciliation made to compare the users (`fromListing`, settled once its
 * work has drained), or else from a listing of its own, a page at a time, once that work has drained. Nothing is
 * sent to the target but the listing: an admin decides what to do with each orphan.
 */
@Injectable()
export class OrphanDiscovery {
  private readonly logger = new Logger('provisioning');
  private readonly lastDrainCheck = new Map<string, number>();

  constructor(
    private readonly orphans: OrphansRepository,
    private readonly targets: TargetsRepository,
    private readonly clients: TargetClients,
    private readonly directory: DirectoryReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Runs the requested listing when the reconciliation's work has drained and this process wins the request;
   * null when it is not time yet.
   */
  async scanIfDue(targetId: string): Promise<OrphanScanSummary | null> {
    const now = this.clock.now().getTime();
    if ((this.lastDrainCheck.get(targetId) ?? -Infinity) > now - DRAIN_CHECK_MS) return null;
    this.lastDrainCheck.set(targetId, now);
    if (await this.orphans.reconcilePending(targetId)) return null;
    if (!(await this.targets.takeOrphanScanRequest(targetId, this.clock.now()))) return null;
    const listed = await this.listedByLastReconciliation(targetId);
    return listed ? this.settle(targetId, listed) : this.scan(targetId);
  }

  /**
   * Discovery from a full reconciliation's listing of the target's users, so that account discovery does not list
   * the target a second time once the reconciliation's work has drained. Null when discovery is off.
   */
  fromListing(targetId: string): ListingDiscovery | null {
    const max = this.config.provisioning.orphanScanMaxAccounts;
    if (max === 0) return null;
    const started = this.clock.now();
    const summary = this.emptySummary(started);
    summary.complete = true;
    summary.listing = 'reconciliation';
    return {
      page: async (accounts, held) => {
        if (!summary.complete) return;
        if (summary.listed + accounts.length > max) {
          accounts = accounts.slice(0, max - summary.listed);
          summary.complete = false;
          summary.stoppedBecause = stoppedAtMax(max);
        }
        summary.listed += accounts.length;
        const unlinked = accounts.filter((a) => !held.has(a.id));
        summary.linked += accounts.length - unlinked.length;
        await this.recordUnlinked(targetId, unlinked, summary);
      },
      complete: async () => {
        if (summary.complete) await this.orphans.removeUnseen(targetId, started);
        summary.finishedAt = this.clock.now().toISOString();
        summary.awaitingDrain = true;
        await this.targets.updateRuntime(targetId, {
          lastOrphanScan: JSON.stringify(summary),
          updatedAt: this.clock.now(),
        });
      },
    };
  }

  /**
   * The reconciliation's work has drained: the accounts its listing recorded that a directory object holds by now
   * (joiners its work adopted) are orphans no more, as a new listing would have found.
   */
  private async settle(targetId: string, listed: OrphanScanSummary): Promise<OrphanScanSummary> {
    const since = new Date(listed.startedAt);
    let linkedSince = 0;
    for (let after: string | null = null; ;) {
      const ids = await this.orphans.seenSince(targetId, since, after, ORPHAN_PAGE_SIZE);
      if (ids.length === 0) break;
      const linked = [...(await this.orphans.holders(targetId, ids)).keys()];
      await this.orphans.remove(targetId, linked);
      linkedSince += linked.length;
      after = ids[ids.length - 1];
    }
    const counts = await this.orphans.countSeenSince(targetId, since);
    const summary: OrphanScanSummary = {
      ...listed,
      ...counts,
      linked: listed.listed - counts.orphans,
      linkedSince,
      awaitingDrain: false,
      finishedAt: this.clock.now().toISOString(),
    };
    await this.targets.updateRuntime(targetId, {
      lastOrphanScan: JSON.stringify(summary),
      updatedAt: this.clock.now(),
    });
    this.logger.log({ msg: 'account discovery', targetId, ...summary });
    return summary;
  }

  /**
   * The summary of the last full reconciliation's listing when it waits for its work to drain; null when discovery
   * must list the target itself (that reconciliation made no complete listing: the one waiting, if any, is an
   * earlier reconciliation's, which stopped before it asked for discovery).
   */
  private async listedByLastReconciliation(targetId: string): Promise<OrphanScanSummary | null> {
    const runtime = await this.targets.findRuntime(targetId);
    if (!runtime?.lastOrphanScan || !runtime.lastReconcileSummary) return null;
    const scan = JSON.parse(runtime.lastOrphanScan) as OrphanScanSummary;
    const reconciliation = JSON.parse(runtime.lastReconcileSummary) as { startedAt: string };
    return scan.awaitingDrain && Date.parse(scan.startedAt) >= Date.parse(reconciliation.startedAt)
      ? scan
      : null;
  }

  private emptySummary(started: Date): OrphanScanSummary {
    return {
      startedAt: started.toISOString(),
      finishedAt: started.toISOString(),
      complete: false,
      listed: 0,
      linked: 0,
      orphans: 0,
      withDirectoryCandidate: 0,
    };
  }

  /** Lists the target now (the engine calls it through scanIfDue; tests and the admin's scan may call it directly). */
  async scan(targetId: string): Promise<OrphanScanSummary | null> {
    const target = await this.targets.find(targetId);
    if (!target) return null;
    const started = this.clock.now();
    const summary = this.emptySummary(started);
    summary.listing = 'own';
    const max = this.config.provisioning.orphanScanMaxAccounts;
    if (max === 0) summary.stoppedBecause = 'account discovery is off (ORPHAN_SCAN_MAX_ACCOUNTS=0)';
    else {
      const { client, limiter } = this.clients.connectionFor(target);
      summary.complete = true;
      for await (const page of accountPages(client, {
        pageSize: ORPHAN_PAGE_SIZE,
        maxAccounts: max,
        beforeRequest: () => limiter.take(),
      })) {
        if (page.kind === 'failed') {
          summary.complete = false;
          summary.stoppedBecause = `the target refused the listing at startIndex ${page.startIndex}: ${page.failure.error.message}`;
          break;
        }
        if (page.kind === 'truncated') {
          summary.complete = false;
          summary.stoppedBecause = stoppedAtMax(max);
          break;
        }
        await this.recordPage(targetId, page.accounts, summary);
      }
    }
    // Only a complete listing may say an account is gone; an incomplete one leaves the earlier findings.
    if (summary.complete) await this.orphans.removeUnseen(targetId, started);
    summary.finishedAt = this.clock.now().toISOString();
    await this.targets.updateRuntime(targetId, {
      lastOrphanScan: JSON.stringify(summary),
      updatedAt: this.clock.now(),
    });
    this.logger.log({ msg: 'account discovery', targetId, ...summary });
    return summary;
  }

  private async recordPage(
    targetId: string,
    accounts: FoundOrphan['account'][],
    summary: OrphanScanSummary,
  ): Promise<void> {
    summary.listed += accounts.length;
    const linked = await this.orphans.holders(
      targetId,
      accounts.map((a) => a.id),
    );
    summary.linked += linked.size;
    await this.recordUnlinked(
      targetId,
      accounts.filter((a) => !linked.has(a.id)),
      summary,
    );
  }

  /** Records accounts no directory object of the target holds, each with its directory candidate if any. */
  private async recordUnlinked(
    targetId: string,
    unlinked: TargetAccount[],
    summary: OrphanScanSummary,
  ): Promise<void> {
    if (unlinked.length === 0) return;
    const names = unlinked.flatMap((a) => [a.userName, a.externalId]).filter((v): v is string => v !== null);
    const candidates = await this.directory.liveUsersNamed(names);
    const found = unlinked.map((account) => ({
      account,
      directoryUserId:
        (account.userName !== null ? candidates.get(account.userName) : undefined) ??
        (account.externalId !== null ? candidates.get(account.externalId) : undefined) ??
        null,
    }));
    summary.orphans += found.length;
    summary.withDirectoryCandidate += found.filter((f) => f.directoryUserId !== null).length;
    await this.orphans.record(targetId, found, this.clock.now());
  }
}

/** Why a listing stopped at ORPHAN_SCAN_MAX_ACCOUNTS, in the summary. */
function stoppedAtMax(max: number): string {
  return `stopped after ${max.toLocaleString('en')} accounts (ORPHAN_SCAN_MAX_ACCOUNTS)`;
}
