import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { accountPages } from '../client';
import { INDEXED_ATTRIBUTES, isIndexable, MatchIndex } from '../attempt/match-index';
import type { CompiledMappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import type { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetClients } from '../targets/target-clients.service';

/** Accounts asked per page of the listing (the target may serve fewer; paging follows what it serves). */
const PAGE = 500;
/**
 * How long a listing stands in for lookups. An account created in the target after its listing is unknown to it: a
 * create then meets the target's 409 and falls back to the lookup, but a target that accepts duplicates would not
 * say so, so the snapshot is kept short.
 */
export const MATCH_INDEX_TTL_MS = 10 * 60_000;
/** An entry's version once its mapping's matching attributes changed: no target has it, so nothing of it stands. */
const VOID = -1;
/** A batch with fewer joiners than this is matched by lookups without a thought of listing. */
export const LISTING_MIN_JOINERS = 20;
/** After a listing is refused or not worth it, lookups for this long before the question is asked again. */
const LOOKUP_HOLD_MS = 10 * 60_000;

/** How a target's joiners are matched right now: the status shows it. */
export interface MatchingMode {
  mode: 'listing' | 'lookup';
  /** listing: accounts in the index and when they were listed. */
  accounts?: number;
  listedAt?: string;
  /** lookup: why not listing, in words. */
  reason: string;
}

interface Entry {
  version: number;
  index: MatchIndex | null;
  building: boolean;
  /** No new listing is tried before this (a refused or unprofitable one). */
  holdUntil: number;
  mode: MatchingMode;
}

/**
 * Match by listing, not by lookup, when it is cheaper: when many joiners wait for a target (an initial sync, a group
 * assigned, a reconciliation), the target's users are read once into a `MatchIndex` and each joiner is decided from
 * it (no match: create at once; a match: read that account by id and adopt it) instead of one `GET ?filter=` per
 * joiner. Falls back to lookups when the target refuses the listing, holds more than MATCH_INDEX_MAX_ACCOUNTS, or
 * would cost more requests to list than the joiners' lookups.
 */
@Injectable()
export class MatchIndexes {
  private readonly logger = new Logger('provisioning');
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clients: TargetClients,
    private readonly queue: WorkQueueRepository,
    private readonly mappings: MappingsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The index to match the target's users with, when a fresh one is built; null: look up. */
  current(target: ProvisioningTarget): MatchIndex | null {
    const e = this.entries.get(target.id);
    if (!e?.index || e.version !== target.version) return null;
    if (this.clock.now().getTime() - e.index.listedAt.getTime() > MATCH_INDEX_TTL_MS) return null;
    return e.index;
  }

  mode(targetId: string): MatchingMode {
    return (
      this.entries.get(targetId)?.mode ?? {
        mode: 'lookup',
        reason: 'no batch of joiners has needed a listing yet',
      }
    );
  }

  /** While a listing is being read, the target's joiners wait for it rather than being looked up one by one. */
  building(targetId: string): boolean {
    return this.entries.get(targetId)?.building ?? false;
  }

  /**
   * A batch of `joiners` was claimed: starts a listing when it is worth it, and says so (true: give the batch back
   * and deliver it once the listing is read).
   */
  consider(target: ProvisioningTarget, joiners: number): boolean {
    const max = this.config.provisioning.matchIndexMaxAccounts;
    const e = this.entries.get(target.id);
    if (e?.building) return joiners > 0;
    if (max === 0 || joiners < LISTING_MIN_JOINERS || this.current(target)) return false;
    const now = this.clock.now().getTime();
    if (e && e.version === target.version && e.holdUntil > now) return false;
    const entry: Entry = e ?? {
      version: target.version,
      index: null,
      building: false,
      holdUntil: 0,
      mode: this.mode(target.id),
    };
    entry.version = target.version;
    entry.building = true;
    this.entries.set(target.id, entry);
    void this.build(target, entry, max)
      .catch((err: unknown) => {
        this.lookups(entry, `the listing failed: ${String(err)}`);
      })
      .finally(() => {
        entry.building = false;
      });
    return true;
  }

  /** The target is gone: its index with it. */
  forget(targetId: string): void {
    this.entries.delete(targetId);
  }

  /**
   * The target's mapping changed. An index, or a hold at lookups, decided on other matching attributes no longer
   * stands (a mapping that matched on the work email alone, then on `userName`, lists at its next batch of joiners,
   * not 10 minutes later); any other change keeps them.
   */
  mappingChanged(targetId: string, before: CompiledMappingSet, after: CompiledMappingSet): void {
    if (indexedMatching(before).join('\n') === indexedMatching(after).join('\n')) return;
    // Voided rather than dropped: a listing under way ends into this entry (and is never used), while the joiners
    // wait for it instead of a second listing starting beside it.
    const entry = this.entries.get(targetId);
    if (!entry) return;
    entry.version = VOID;
    entry.mode = {
      mode: 'lookup',
      reason: "the users' mapping changed its matching attributes: the next batch of joiners decides",
    };
  }

  private async build(target: ProvisioningTarget, entry: Entry, max: number): Promise<void> {
    const listedAt = this.clock.now();
    const matching = indexedMatching(await this.mappings.compiledFor(target.id));
    if (matching.length === 0)
      return this.lookups(
        entry,
        `no matching attribute of the users' mapping is one a listing can answer (${INDEXED_ATTRIBUTES.join(', ')})`,
      );
    const index = new MatchIndex(listedAt, matching);
    const { client, limiter } = this.clients.connectionFor(target);
    let first = true;
    for await (const page of accountPages(client, {
      pageSize: PAGE,
      maxAccounts: max + 1,
      beforeRequest: () => limiter.take(),
    })) {
      if (page.kind === 'failed')
        return this.lookups(entry, `the target refused the listing: ${page.failure.error.message}`);
      if (page.kind === 'truncated' || index.size + page.accounts.length > max)
        return this.lookups(
          entry,
          `the target holds more than ${max.toLocaleString('en')} accounts (MATCH_INDEX_MAX_ACCOUNTS)`,
        );
      if (first && page.total !== undefined) {
        first = false;
        if (page.total > max)
          return this.lookups(
            entry,
            `the target holds ${page.total.toLocaleString('en')} accounts, more than MATCH_INDEX_MAX_ACCOUNTS`,
          );
        // The pages still to read at the size the target serves, against one lookup per joiner.
        const pages = Math.ceil(page.total / Math.max(1, page.accounts.length)) - 1;
        const joiners = await this.queue.countPendingJoiners(target.id, pages + 1);
        if (joiners <= pages)
          return this.lookups(
            entry,
            `${joiners} joiners cost fewer lookups than listing ${page.total.toLocaleString('en')} accounts`,
          );
      }
      for (const account of page.accounts) index.add(account);
    }
    // Voided while it was read (`mappingChanged`): the next batch of joiners lists again, with the new attributes.
    if (entry.version === VOID) return;
    entry.index = index;
    entry.holdUntil = 0;
    entry.mode = {
      mode: 'listing',
      accounts: index.size,
      listedAt: listedAt.toISOString(),
      reason: 'joiners are matched against a listing of the target, read once',
    };
    this.logger.log({ msg: 'matching by listing', targetId: target.id, accounts: index.size });
  }

  private lookups(entry: Entry, reason: string): void {
    // A voided entry's outcome was decided on attributes the mapping no longer has: the next batch asks again.
    if (entry.version === VOID) return;
    entry.index = null;
    entry.holdUntil = this.clock.now().getTime() + LOOKUP_HOLD_MS;
    entry.mode = { mode: 'lookup', reason };
  }
}

/** The users' matching attributes an index can answer: a table for another would never be asked. */
function indexedMatching(compiled: CompiledMappingSet): string[] {
  return compiled.users.attributes
    .filter((a) => a.mapping.matching)
    .map((a) => a.mapping.targetAttribute)
    .filter(isIndexable);
}
